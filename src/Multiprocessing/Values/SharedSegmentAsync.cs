namespace Multiprocessing.Values;

/// <summary>The awaitable side of <see cref="SharedSegment"/>'s lock (an unsafe class cannot await).</summary>
internal static class SharedSegmentAsync
{
    /// <summary>
    /// <see cref="SharedSegment.Acquire"/> without blocking the caller: taken at once if free, else (when <paramref name="block"/>) the
    /// futex wait runs on a thread of its own, woken to see a cancellation. Cancelled, it takes nothing, even a free lock.
    /// </summary>
    public static async Task<bool> AcquireAsync(this SharedSegment segment, int thread, bool block, TimeSpan? timeout, CancellationToken cancellationToken,
        long process = 0, bool reentrant = true, int count = 1)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (segment.Acquire(thread, block: false, null, CancellationToken.None, process, reentrant, count)) return true;
        if (!block) return false;
        return await FutexWaits.OnOwnThreadAsync(() => segment.Acquire(thread, true, timeout, cancellationToken, process, reentrant, count),
            segment.WakeAll, cancellationToken);
    }
}
