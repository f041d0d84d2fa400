using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// The actor side of a same-host Event, for the processes that cannot map its segment (other hosts):
/// <see cref="EventState"/>'s protocol over the segment's flag. While waiters from other hosts are parked, a thread
/// of its own sleeps on the flag (a futex wait must never block the actor's dispatcher) and tells the actor when a
/// process of this host sets it. Lives in the creating process, with its node.
/// </summary>
internal sealed class SegmentEventState(SegmentEventFlag flag) : EventState
{
    // Read by the watching thread: it ends once no remote waiter is parked any more.
    private volatile bool _wanted;
    private bool _watching;

    protected override bool Flag
    {
        get => flag.IsSet;
        set
        {
            if (value) flag.Set();
            else flag.Clear();
        }
    }

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        if (request is FlagRaised) _watching = false;
        base.Handle(request, caller, host);
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

    protected override void WatchFlag(ISharedStateHost host)
    {
        _wanted = true;
        if (_watching) return;
        _watching = true;
        var self = host.Self;
        new Thread(() =>
        {
            // Wakes every second to see whether anyone still waits: waiters that gave up leave no thread behind for long.
            while (!flag.Wait(TimeSpan.FromSeconds(1), CancellationToken.None))
                if (!_wanted) break;
            self.Tell(new FlagRaised(0));
        }) { IsBackground = true, Name = "mp-event-remote-watch" }.Start();
    }
}
