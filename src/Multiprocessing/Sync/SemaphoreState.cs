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
                    host.Reply(caller, new SyncDone(acquire.RequestId));
                }
                else if (acquire.Wait) Park(new Waiter(caller, acquire.Token, acquire.RequestId), host);
                else host.Reply(caller, new SyncBusy(acquire.RequestId));
                break;

            case SemaphoreRelease release:
                if (_bounded && _value + release.Count > _initial)
                {
                    host.Reply(caller, new SyncRefused(release.RequestId, "semaphore released too many times"));
                    break;
                }
                _value += release.Count;
                host.Reply(caller, new SyncDone(release.RequestId));
                while (_value > 0 && Waiters.Count > 0)
                {
                    _value--;
                    var next = TakeFirst();
                    host.Reply(next.Caller, new SyncDone(next.RequestId));
                }
                break;

            case SemaphoreGetValue get:
                host.Reply(caller, new SyncCount(get.RequestId, _value));
                break;

            default:
                throw Unexpected(request);
        }
    }
}
