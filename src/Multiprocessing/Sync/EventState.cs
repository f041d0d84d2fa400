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
                foreach (var waiter in Waiters) waiter.Caller.Tell(new SyncFlag(waiter.RequestId, true), host.Self);
                Waiters.Clear();
                caller.Tell(new SyncDone(set.RequestId), host.Self);
                break;

            case EventClear clear:
                _set = false;
                caller.Tell(new SyncDone(clear.RequestId), host.Self);
                break;

            case EventIsSet isSet:
                caller.Tell(new SyncFlag(isSet.RequestId, _set), host.Self);
                break;

            case EventWait wait:
                if (_set) caller.Tell(new SyncFlag(wait.RequestId, true), host.Self);
                else Park(new Waiter(caller, wait.Token, wait.RequestId), host);
                break;

            default:
                throw Unexpected(request);
        }
    }
}
