using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// The actor side of a same-host Semaphore, for the processes that cannot map its segment (other hosts):
/// <see cref="SemaphoreState"/>'s protocol over the segment's count. While waiters from other hosts are parked, a
/// thread of its own waits for a unit (a futex wait must never block the actor's dispatcher), takes it and hands it
/// to the actor for the first of them. Lives in the creating process, with its node.
/// </summary>
internal sealed class SegmentSemaphoreState(SegmentSemaphoreCounter counter) : SemaphoreState(0, bounded: false)
{
    // Read by the watching thread: it ends once no remote waiter is parked any more.
    private volatile bool _wanted;
    private bool _watching;

    protected override int Value => counter.Value;

    protected override bool TryTakeUnit() => counter.TryTake();

    protected override bool GiveUnits(int count)
    {
        try
        {
            counter.Release(count);
            return true;
        }
        catch (SemaphoreFullException)
        {
            return false; // bounded, and full: refused to the caller
        }
    }

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        if (request is UnitTaken or StopWatching) _watching = false;
        if (request is StopWatching)
        {
            if (Waiters.Count > 0) WatchUnits(host);
        }
        else base.Handle(request, caller, host);
        _wanted = Waiters.Count > 0;
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        base.Cancel(requestId, caller, host);
        _wanted = Waiters.Count > 0;
    }

    public override void Gone(IActorRef actor, ISharedStateHost host)
    {
        base.Gone(actor, host);
        _wanted = Waiters.Count > 0;
    }

    protected override void WatchUnits(ISharedStateHost host)
    {
        _wanted = true;
        if (_watching) return;
        _watching = true;
        var self = host.Self;
        new Thread(() =>
        {
            // Wakes every second to see whether anyone still waits: waiters that gave up leave no thread behind for long.
            while (!counter.Take(TimeSpan.FromSeconds(1), CancellationToken.None))
                if (!_wanted)
                {
                    self.Tell(new StopWatching(0));
                    return;
                }
            self.Tell(new UnitTaken(0));
        }) { IsBackground = true, Name = "mp-semaphore-remote-watch" }.Start();
    }

    // The watching thread gave up (no waiter left): the next parked waiter starts another.
    private sealed record StopWatching(long RequestId) : ICorrelated;
}
