using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>An Event's flag and the waits parked until it is set.</summary>
internal sealed class EventState : WaitingState
{
    private bool _set;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case EventSet set:
                _set = true;
                foreach (var waiter in Waiters) host.Reply(waiter.Caller, new SyncFlag(waiter.RequestId, true));
                Waiters.Clear();
                host.Reply(caller, new SyncDone(set.RequestId));
                break;

            case EventClear clear:
                _set = false;
                host.Reply(caller, new SyncDone(clear.RequestId));
                break;

            case EventIsSet isSet:
                host.Reply(caller, new SyncFlag(isSet.RequestId, _set));
                break;

            case EventWait wait:
                if (_set) host.Reply(caller, new SyncFlag(wait.RequestId, true));
                else Park(new Waiter(caller, wait.Token, wait.RequestId), host);
                break;

            default:
                throw Unexpected(request);
        }
    }
}
