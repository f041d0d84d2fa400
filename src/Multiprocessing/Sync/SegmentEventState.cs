using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// The actor side of a same-host Event, for the processes that cannot map its segment (other hosts):
/// <see cref="EventState"/>'s protocol over the segment's flag. While waiters from other hosts are parked, a
/// <see cref="SegmentWatch"/> sleeps on the flag and tells the actor when a process of this host sets it.
/// Lives in the creating process, with its node.
/// </summary>
internal sealed class SegmentEventState(SegmentEventFlag flag) : EventState
{
    private readonly SegmentWatch _watch = new("mp-event-remote-watch");

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
        if (request is FlagRaised) _watch.Ended();
        base.Handle(request, caller, host);
    }

    protected override void WatchFlag(ISharedStateHost host) =>
        _watch.Start(host.Self, round => flag.WaitForSet(round, CancellationToken.None), setCame => new FlagRaised(0, setCame));
}
