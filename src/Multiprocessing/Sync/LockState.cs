using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// A Lock, or with <c>reentrant</c> an RLock, whose holder is a process token (and a thread). The
/// holder's token is watched: if its process ends while holding the lock, the lock is released and
/// the next acquirer is told it was abandoned. Waiters are granted in arrival order.
/// The storage lock under it is virtual so that <see cref="SegmentLockState"/> serves the same protocol
/// to other hosts over a same-host lock word: a holder here holds that word too.
/// </summary>
internal class LockState(bool reentrant) : WaitingState
{
    private readonly bool _reentrant = reentrant;
    private IActorRef? _owner;
    private int _ownerThread;
    private int _count;
    private bool _abandoned;
    private bool _storageHeld;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case LockAcquire acquire:
                var waiter = new Waiter(caller, acquire.Token, acquire.RequestId, acquire.Thread, Math.Max(1, acquire.Count));
                if (_owner is null && Waiters.Count == 0 && TakeStorage(host)) Grant(waiter, host);
                else if (_reentrant && IsOwner(acquire.Token, acquire.Thread))
                {
                    _count += waiter.Count;
                    host.Reply(caller, new LockGranted(acquire.RequestId, false));
                }
                else if (acquire.Wait)
                {
                    Park(waiter, host);
                    if (_owner is null) WaitForStorageLock(host);
                }
                else host.Reply(caller, new SyncBusy(acquire.RequestId));
                break;

            case LockRelease release:
                if (_owner is null)
                {
                    if (!_reentrant && !release.ForWait && ReleaseStorageHeldElsewhere())
                        host.Reply(caller, new LockReleased(release.RequestId, 1, 0)); // a Lock held on the storage's host: anyone may release it
                    else
                        host.Reply(caller, new SyncRefused(release.RequestId, _reentrant ? "cannot release un-acquired lock" : "release of an unlocked lock"));
                }
                else if ((_reentrant || release.ForWait) && !IsOwner(release.Token, release.Thread, anyThread: release.ForWait))
                    host.Reply(caller, new SyncRefused(release.RequestId, "cannot release un-acquired lock: another process or thread holds it"));
                else
                {
                    var held = _count;
                    _count = release.ForWait ? 0 : _count - 1;
                    host.Reply(caller, new LockReleased(release.RequestId, held, _ownerThread));
                    if (_count == 0) GrantNext(host);
                }
                break;

            case LockIsMine mine:
                host.Reply(caller, new SyncFlag(mine.RequestId, IsOwner(mine.Token, mine.Thread, anyThread: true)));
                break;

            case StorageLockTaken:
                _storageHeld = true;
                if (_owner is null) GrantNext(host);
                break;

            default:
                throw Unexpected(request);
        }
    }

    public override void Gone(IActorRef actor, ISharedStateHost host)
    {
        base.Gone(actor, host);
        if (!actor.Equals(_owner)) return;
        // The holder's process ended: the lock is free, and whoever gets it next must know.
        _abandoned = true;
        _count = 0;
        GrantNext(host);
    }

    public override IEnumerable<IActorRef> Watched => _owner is null ? base.Watched : base.Watched.Append(_owner).Distinct();

    /// <summary>Takes the storage's own lock if it is free right now (a lock held by its actor alone has none).</summary>
    protected virtual bool TryTakeStorageLock(ISharedStateHost host) => true;

    /// <summary>Waits for the storage's own lock elsewhere, then sends <see cref="StorageLockTaken"/> to the host.</summary>
    protected virtual void WaitForStorageLock(ISharedStateHost host)
    {
    }

    /// <summary>Frees the storage's lock; true if it passed <paramref name="abandoned"/> on to its next holder.</summary>
    protected virtual bool ReleaseStorageLock(bool abandoned) => false;

    /// <summary>True once after the storage's lock was taken from a dead holder (reported to the next acquire).</summary>
    protected virtual bool ConsumeStorageAbandoned() => false;

    /// <summary>Frees the storage's lock held by someone this actor does not serve; false if it is free, or held for this actor.</summary>
    protected virtual bool ReleaseStorageHeldElsewhere() => false;

    /// <summary>True while the storage's lock taken for this actor is still its own (a Lock may be released by anyone).</summary>
    protected virtual bool StorageStillHeld() => true;

    // Python's _is_mine: the same process and the same thread (any of its threads, where a Condition's async twins ask).
    private bool IsOwner(IActorRef token, int thread, bool anyThread = false) =>
        token.Equals(_owner) && (thread == _ownerThread || anyThread && thread == SyncThreads.Any);

    private bool TakeStorage(ISharedStateHost host)
    {
        if (_storageHeld && !StorageStillHeld()) _storageHeld = false; // released by a process of the storage's host
        return _storageHeld || (_storageHeld = TryTakeStorageLock(host));
    }

    private void GrantNext(ISharedStateHost host)
    {
        _owner = null;
        _ownerThread = 0;
        if (Waiters.Count == 0)
        {
            if (!_storageHeld) return;
            _storageHeld = false;
            if (ReleaseStorageLock(_abandoned)) _abandoned = false;
        }
        else if (TakeStorage(host)) Grant(TakeFirst(), host);
        else WaitForStorageLock(host);
    }

    private void Grant(Waiter waiter, ISharedStateHost host)
    {
        _owner = waiter.Token;
        _ownerThread = waiter.Thread;
        _count = waiter.Count;
        host.Watch(waiter.Token);
        host.Reply(waiter.Caller, new LockGranted(waiter.RequestId, _abandoned | ConsumeStorageAbandoned()));
        _abandoned = false;
    }
}
