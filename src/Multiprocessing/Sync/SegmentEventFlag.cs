using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>
/// An Event's flag in a shared-memory segment on its host: reading it is a memory read, setting it bumps a
/// generation word that waiters sleep on (a futex), as Python's Event is a semaphore and a Condition in shared
/// memory. A sleeper count spares <see cref="Set"/> the wake-up syscall when nobody sleeps.
/// </summary>
internal sealed unsafe class SegmentEventFlag(SharedSegment segment)
{
    /// <summary>The bytes the segment holds: the flag, the generation, the sleepers.</summary>
    public const int Size = 12;

    private int* FlagWord => (int*)segment.Data;
    private int* Generation => (int*)(segment.Data + 4);
    private int* Sleepers => (int*)(segment.Data + 8);

    public bool IsSet => Volatile.Read(ref *FlagWord) != 0;

    public void Set()
    {
        Volatile.Write(ref *FlagWord, 1);
        Interlocked.Increment(ref *Generation);
        // Both are full fences: a sleeper counted after this read sees the flag before it sleeps.
        if (Volatile.Read(ref *Sleepers) > 0) NativeWait.Wake(Generation, int.MaxValue);
    }

    public void Clear() => Volatile.Write(ref *FlagWord, 0);

    /// <summary>
    /// Python's wait: once the flag is set, or a set happened while waiting (true, or false if cleared again since:
    /// the flag then), or <paramref name="timeout"/> (null: no limit) passed (false).
    /// </summary>
    public bool Wait(TimeSpan? timeout, CancellationToken cancellationToken) => WaitForSet(timeout, cancellationToken) && IsSet;

    /// <summary>True once the flag is set or a set happened since the call; false when <paramref name="timeout"/> passed first.</summary>
    public bool WaitForSet(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var start = Volatile.Read(ref *Generation);
        return IsSet || NativeWait.SleepUntil(Generation, Sleepers, timeout, cancellationToken, generation => generation != start || IsSet);
    }

    /// <summary>Wakes every sleeper so that each checks its cancellation.</summary>
    public void WakeAll() => NativeWait.Wake(Generation, int.MaxValue);
}
