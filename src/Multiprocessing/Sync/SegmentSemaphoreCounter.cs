using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>
/// A Semaphore's free units in a shared-memory segment on its host, as Python's is a POSIX semaphore: taking a unit
/// is a compare-and-swap, a waiter sleeps on the count (a futex) and a release wakes as many sleepers as it gave
/// units. A sleeper count spares the release its syscall when nobody sleeps. Waiters are not served in arrival order
/// (neither are Python's); the initial value and whether it is bounded live in the segment for every process.
/// </summary>
internal sealed unsafe class SegmentSemaphoreCounter(SharedSegment segment)
{
    /// <summary>The bytes the segment holds: the count, the sleepers, the initial value, the bounded flag.</summary>
    public const int Size = 16;

    // A holder usually gives a unit back within microseconds: a few spins catch that before a futex sleep.
    private const int SpinTries = 32;

    private int* Count => (int*)segment.Data;
    private int* Sleepers => (int*)(segment.Data + 4);
    private int Initial => *(int*)(segment.Data + 8);
    private bool Bounded => *(int*)(segment.Data + 12) != 0;

    /// <summary>The segment's bytes for a new semaphore.</summary>
    public static byte[] Layout(int value, bool bounded)
    {
        var bytes = new byte[Size];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), value);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), value);
        BitConverter.TryWriteBytes(bytes.AsSpan(12), bounded ? 1 : 0);
        return bytes;
    }

    public int Value => Volatile.Read(ref *Count);

    public bool TryTake()
    {
        while (true)
        {
            var count = Volatile.Read(ref *Count);
            if (count <= 0) return false;
            if (Interlocked.CompareExchange(ref *Count, count - 1, count) == count) return true;
        }
    }

    /// <summary>Takes a unit, waiting until <paramref name="timeout"/> (null: no limit; false when it passed) or the cancellation.</summary>
    public bool Take(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (TryTake()) return true;
        for (var spin = new SpinWait(); spin.Count < SpinTries; spin.SpinOnce(sleep1Threshold: -1))
            if (Volatile.Read(ref *Count) > 0 && TryTake()) return true;
        return NativeWait.SleepUntil(Count, Sleepers, timeout, cancellationToken,
            count => count > 0 && Interlocked.CompareExchange(ref *Count, count - 1, count) == count);
    }

    /// <summary>Gives back <paramref name="n"/> units; a bounded semaphore refuses to go above its initial value.</summary>
    public void Release(int n)
    {
        while (true)
        {
            var count = Volatile.Read(ref *Count);
            if (Bounded && count + n > Initial) throw new SemaphoreFullException("semaphore released too many times");
            if (Interlocked.CompareExchange(ref *Count, count + n, count) == count) break;
        }
        // Both are full fences: a sleeper counted after this read sees the new count before it sleeps.
        if (Volatile.Read(ref *Sleepers) > 0) NativeWait.Wake(Count, n);
    }

    /// <summary>Wakes every sleeper so that each checks its cancellation.</summary>
    public void WakeAll() => NativeWait.Wake(Count, int.MaxValue);
}
