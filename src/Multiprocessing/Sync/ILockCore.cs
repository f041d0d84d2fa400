namespace Multiprocessing.Sync;

/// <summary>
/// How a Lock or RLock handle reaches its lock in this process: the segment's word on the creator's host
/// (<see cref="SegmentLockCore"/>), else requests to the actor holding it (<see cref="ActorLockCore"/>).
/// The owner is the current process and <c>thread</c>; <see cref="SyncThreads.Any"/> means any of its threads.
/// </summary>
internal interface ILockCore
{
    /// <summary>Python's acquire; throws <see cref="MpAbandonedLockException"/> AFTER acquiring from a dead holder.</summary>
    bool Acquire(bool block, TimeSpan? timeout, int thread);

    /// <param name="count">The levels to hold (a Condition's wait restores every level of an RLock).</param>
    /// <param name="callerWaits">The caller blocks on the result anyway (see <see cref="Shared.SharedObjectAddress.CallAsync"/>).</param>
    Task<bool> AcquireAsync(bool block, TimeSpan? timeout, int thread, int count, CancellationToken cancellationToken, bool callerWaits = false);

    void Release(int thread);

    /// <param name="forWait">A Condition's wait: every level, and only by the owner.</param>
    /// <returns>The levels held before and the owner thread (what a Condition's wait restores).</returns>
    Task<(int Count, int Thread)> ReleaseAsync(int thread, bool forWait, bool callerWaits = false);

    Task<bool> IsMineAsync(int thread);
}
