namespace Multiprocessing.Sync;

/// <summary>What a Lock's acquirer is told when the lock came from a holder that died.</summary>
internal static class LockAbandoned
{
    public static MpAbandonedLockException Exception() => new(
        "The process that held this lock ended without releasing it: the lock is now held by this caller, who must release it.");
}
