using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// A Semaphore's free units and its waiters, served in arrival order; <c>bounded</c> refuses a release above the
/// initial value. The units are virtual so that <see cref="SegmentSemaphoreState"/> serves the same protocol to
/// other hosts over a same-host count, which processes of that host take and give without a message.
/// </summary>
internal class SemaphoreState(int value, bool bounded) : WaitingState
{
    private readonly int _initial = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "semaphore initial value must be >= 0");
    private readonly bool _bounded = bounded;
    private int _value = value;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case SemaphoreAcquire acquire:
                if (Waiters.Count == 0 && TryTakeUnit()) host.Reply(caller, new SyncDone(acquire.RequestId));
                else if (acquire.Wait)
                {
                    Park(new Waiter(caller, acquire.Token, acquire.RequestId), host);
                    WatchUnits(host);
                }
                else host.Reply(caller, new SyncBusy(acquire.RequestId));
                break;

            case SemaphoreRelease release:
                if (!GiveUnits(release.Count))
                {
                    host.Reply(caller, new SyncRefused(release.RequestId, "semaphore released too many times"));
                    break;
                }
                host.Reply(caller, new SyncDone(release.RequestId));
                GrantWhileFree(host);
                break;

            case SemaphoreGetValue get:
                host.Reply(caller, new SyncCount(get.RequestId, Value));
                break;

            case UnitTaken taken:
                if (taken.Taken)
                {
                    if (Waiters.Count > 0) Grant(TakeFirst(), host);
                    else GiveUnits(1); // the waiter left meanwhile
                }
                GrantWhileFree(host);
                break;

            default:
                throw Unexpected(request);
        }
    }

    /// <summary>The free units now.</summary>
    protected virtual int Value => _value;

    /// <summary>Takes a free unit if there is one.</summary>
    protected virtual bool TryTakeUnit()
    {
        if (_value <= 0) return false;
        _value--;
        return true;
    }

    /// <summary>Gives back <paramref name="count"/> units; false (nothing given) if a bounded semaphore would exceed its initial value.</summary>
    protected virtual bool GiveUnits(int count)
    {
        if (_bounded && _value + count > _initial) return false;
        _value += count;
        return true;
    }

    /// <summary>Waits, elsewhere, for a unit given back without this actor, takes it, then sends <see cref="UnitTaken"/> to the host.</summary>
    protected virtual void WatchUnits(ISharedStateHost host)
    {
    }

    /// <summary>The thread watching the count took a unit for the parked waiters, or not within its round (sent by it, never between nodes).</summary>
    protected internal sealed record UnitTaken(long RequestId, bool Taken) : ICorrelated;

    private void GrantWhileFree(ISharedStateHost host)
    {
        while (Waiters.Count > 0 && TryTakeUnit()) Grant(TakeFirst(), host);
        if (Waiters.Count > 0) WatchUnits(host);
    }

    private static void Grant(Waiter waiter, ISharedStateHost host) => host.Reply(waiter.Caller, new SyncDone(waiter.RequestId));
}
