using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>
/// A lock on the host of its segment: acquire and release are a compare-and-swap on the segment's lock word (a futex
/// wait when taken), as Python's Lock is a POSIX semaphore in shared memory; no message. The owner is the calling
/// thread of the current process (<see cref="SegmentLockHolds.OwnerId"/>: several processes run in one worker node),
/// which remembers the lock so that its end releases it as abandoned.
/// </summary>
internal sealed class SegmentLockCore(SharedSegment segment, bool reentrant) : ILockCore
{
    // The process that last recorded this lock in its holds: a loop of acquires by one process records it once.
    private SegmentLockHolds? _recordedBy;

    public bool Acquire(bool block, TimeSpan? timeout, int thread)
    {
        var holds = SegmentLockHolds.OfCurrentProcess();
        return Taken(segment.Acquire(thread, block, SyncCalls.WaitFor(block, timeout), holds.Ended, holds.OwnerId, reentrant), thread, holds);
    }

    public async Task<bool> AcquireAsync(bool block, TimeSpan? timeout, int thread, int count, CancellationToken cancellationToken, bool callerWaits = false)
    {
        var holds = SegmentLockHolds.OfCurrentProcess();
        using var waits = SyncCalls.UntilEnded(cancellationToken, holds);
        var acquired = await segment.AcquireAsync(thread, block, SyncCalls.WaitFor(block, timeout), waits.Token, holds.OwnerId, reentrant, count);
        return Taken(acquired, thread, holds);
    }

    public void Release(int thread)
    {
        if (reentrant) segment.Release(thread, SegmentLockHolds.OfCurrentProcess().OwnerId);
        else segment.ReleaseAny(); // Python's Lock: any process or thread may release it
    }

    public Task<(int Count, int Thread)> ReleaseAsync(int thread, bool forWait, bool callerWaits = false)
    {
        if (!forWait)
        {
            Release(thread);
            return Task.FromResult((1, thread));
        }
        var held = segment.ReleaseAll(thread, SegmentLockHolds.OfCurrentProcess().OwnerId)
            ?? throw new SynchronizationLockException(segment.IsLocked ? "cannot release un-acquired lock: another process or thread holds it" : "cannot release un-acquired lock");
        return Task.FromResult(held);
    }

    public Task<bool> IsMineAsync(int thread)
    {
        var owner = SegmentLockHolds.OfCurrentProcess().OwnerId;
        return Task.FromResult(thread == SyncThreads.Any ? segment.IsHeldFor(owner) : segment.IsOwnedBy(thread, owner));
    }

    private bool Taken(bool acquired, int thread, SegmentLockHolds holds)
    {
        if (!acquired) return false;
        if (holds.HasEnded)
        {
            // Its process ended while this thread waited: what it took goes back untouched.
            segment.ReleaseAll(SyncThreads.Any, holds.OwnerId);
            throw new InvalidOperationException($"{Mp.CurrentProcess().Name} has ended: it can no longer take locks.");
        }
        if (!ReferenceEquals(Volatile.Read(ref _recordedBy), holds))
        {
            holds.Add(segment);
            Volatile.Write(ref _recordedBy, holds);
        }
        if (segment.ConsumeAbandoned()) throw LockAbandoned.Exception();
        return true;
    }
}
