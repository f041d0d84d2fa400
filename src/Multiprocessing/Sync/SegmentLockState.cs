using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>
/// The actor side of a same-host Lock or RLock, for the processes that cannot map its segment (other
/// hosts): <see cref="LockState"/>'s protocol, whose holder also holds the segment's lock word
/// (<see cref="SegmentRemoteHold"/>), so that same-host and remote holders exclude each other. Lives in
/// the creating process, with its node; a remote holder that dies releases the word as abandoned.
/// </summary>
internal sealed class SegmentLockState(SharedSegment segment, bool reentrant) : LockState(reentrant)
{
    private readonly SegmentRemoteHold _hold = new(segment);

    public override void Handle(Messages.ICorrelated request, Akka.Actor.IActorRef caller, ISharedStateHost host)
    {
        if (request is StorageLockTaken) _hold.Taken();
        base.Handle(request, caller, host);
    }

    protected override bool TryTakeStorageLock(ISharedStateHost host) => _hold.TryTake();

    protected override void WaitForStorageLock(ISharedStateHost host) => _hold.WaitFor(host.Self);

    protected override bool ReleaseStorageLock(bool abandoned)
    {
        _hold.Release(abandoned);
        return true;
    }

    protected override bool ConsumeStorageAbandoned() => _hold.ConsumeAbandoned();

    protected override bool StorageStillHeld() => _hold.IsHeld;

    protected override bool ReleaseStorageHeldElsewhere()
    {
        // Held for this actor with no remote holder yet (its waiting thread just took it): the Lock is free to its users.
        if (_hold.IsHeld) return false;
        try
        {
            segment.ReleaseAny();
            return true;
        }
        catch (SynchronizationLockException)
        {
            return false; // free: nothing to release
        }
    }
}
