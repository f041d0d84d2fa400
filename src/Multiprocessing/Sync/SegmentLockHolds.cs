using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>
/// The same-host locks a process has taken (their segments), so that those it still holds when it ends are
/// released as abandoned at once: a Process run by a worker node ends while its OS process goes on (a killed
/// OS process is seen by the next waiter from its pid). Kept in the process's <see cref="Processes.ProcessLife"/>.
/// </summary>
internal sealed class SegmentLockHolds
{
    private readonly HashSet<SharedSegment> _segments = [];
    private readonly CancellationTokenSource _ended = new();

    /// <summary>
    /// Cancelled when the process ends: a wait of its thread on a same-host Lock, Semaphore or Event stops (a futex
    /// wait is not interrupted as a managed one is), so a terminated Process takes nothing after its end.
    /// </summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>This process's mark in a segment's owner field: 64 random bits tell apart the processes of one OS process.</summary>
    public long OwnerId { get; } = Random.Shared.NextInt64(1, long.MaxValue);

    public static SegmentLockHolds OfCurrentProcess() => Mp.CurrentProcess().Life.SegmentLocks;

    public void Add(SharedSegment segment)
    {
        lock (_segments)
            if (!_ended.IsCancellationRequested) _segments.Add(segment);
    }

    /// <summary>The process ended: what it holds is released, and each lock's next holder learns it was abandoned.</summary>
    public void AbandonAll()
    {
        SharedSegment[] taken;
        lock (_segments)
        {
            _ended.Cancel();
            taken = [.. _segments];
            _segments.Clear();
        }
        foreach (var segment in taken) segment.AbandonIfHeldBy(OwnerId);
    }

    /// <summary>After a take: true if the process has ended meanwhile (the caller gives back what it took).</summary>
    public bool HasEnded => _ended.IsCancellationRequested;
}
