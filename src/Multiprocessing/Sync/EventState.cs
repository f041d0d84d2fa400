using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// An Event's flag and the waits parked until it is set. The flag is virtual so that <see cref="SegmentEventState"/>
/// serves the same protocol to other hosts over a same-host flag, which processes of that host set without a message.
/// </summary>
internal class EventState : WaitingState
{
    private bool _set;

    /// <summary>The flag (the actor's own, unless it lives elsewhere).</summary>
    protected virtual bool Flag
    {
        get => _set;
        set => _set = value;
    }

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case EventSet set:
                Flag = true;
                WakeWaiters(host, true);
                host.Reply(caller, new SyncDone(set.RequestId));
                break;

            case EventClear clear:
                Flag = false;
                host.Reply(caller, new SyncDone(clear.RequestId));
                break;

            case EventIsSet isSet:
                host.Reply(caller, new SyncFlag(isSet.RequestId, Flag));
                break;

            case EventWait wait:
                if (Flag) host.Reply(caller, new SyncFlag(wait.RequestId, true));
                else
                {
                    Park(new Waiter(caller, wait.Token, wait.RequestId), host);
                    WatchFlag(host);
                }
                break;

            case FlagRaised raised:
                // A set came (Python's waiters then return the flag: false if it was cleared again since); else keep watching.
                if (raised.SetCame) WakeWaiters(host, Flag);
                else if (Waiters.Count > 0) WatchFlag(host);
                break;

            default:
                throw Unexpected(request);
        }
    }

    /// <summary>Waits, elsewhere, for the flag to be set without this actor, then sends <see cref="FlagRaised"/> to the host.</summary>
    protected virtual void WatchFlag(ISharedStateHost host)
    {
    }

    /// <summary>The thread watching the flag saw a set by a process of its host, or its round ended without one (sent by it, never between nodes).</summary>
    protected internal sealed record FlagRaised(long RequestId, bool SetCame) : ICorrelated;

    private void WakeWaiters(ISharedStateHost host, bool flag)
    {
        foreach (var waiter in Waiters) host.Reply(waiter.Caller, new SyncFlag(waiter.RequestId, flag));
        Waiters.Clear();
    }
}
