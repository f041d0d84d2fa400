using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>A Semaphore's free units and its waiters, served in arrival order; <c>bounded</c> refuses a release above the initial value.</summary>
internal sealed class SemaphoreState(int value, bool bounded) : WaitingState
{
    private readonly int _initial = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "semaphore initial value must be >= 0");
    private readonly bool _bounded = bounded;
    private int _value = value;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case SemaphoreAcquire acquire:
                if (_value > 0 && Waiters.Count == 0)
                {
                    _value--;
                    caller.Tell(new SyncDone(acquire.RequestId), host.Self);
                }
                else if (acquire.Wait) Park(new Waiter(caller, acquire.Token, acquire.RequestId), host);
                else caller.Tell(new SyncBusy(acquire.RequestId), host.Self);
                break;

            case SemaphoreRelease release:
                if (_bounded && _value + release.Count > _initial)
                {
                    caller.Tell(new SyncRefused(release.RequestId, "semaphore released too many times"), host.Self);
                    break;
                }
                _value += release.Count;
                caller.Tell(new SyncDone(release.RequestId), host.Self);
                while (_value > 0 && Waiters.Count > 0)
                {
                    _value--;
                    var next = TakeFirst();
                    next.Caller.Tell(new SyncDone(next.RequestId), host.Self);
                }
                break;

            case SemaphoreGetValue get:
                caller.Tell(new SyncCount(get.RequestId, _value), host.Self);
                break;

            default:
                throw Unexpected(request);
        }
    }
}
