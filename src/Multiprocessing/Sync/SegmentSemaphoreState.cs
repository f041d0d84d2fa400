using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// The actor side of a same-host Semaphore, for the processes that cannot map its segment (other hosts):
/// <see cref="SemaphoreState"/>'s protocol over the segment's count. While waiters from other hosts are parked, a
/// <see cref="SegmentWatch"/> waits for a unit, takes it and hands it to the actor for the first of them. Lives in
/// the creating process, with its node.
/// </summary>
internal sealed class SegmentSemaphoreState(SegmentSemaphoreCounter counter) : SemaphoreState(0, bounded: false)
{
    private readonly SegmentWatch _watch = new("mp-semaphore-remote-watch");

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
        if (request is UnitTaken) _watch.Ended();
        base.Handle(request, caller, host);
    }

    protected override void WatchUnits(ISharedStateHost host) =>
        _watch.Start(host.Self, round => counter.Take(round, CancellationToken.None), taken => new UnitTaken(0, taken));
}
