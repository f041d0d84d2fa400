using System.Runtime.CompilerServices;

namespace Multiprocessing.Values;

/// <summary>A handle on the host of its segment: reads and writes are plain memory accesses; the lock is the segment's.</summary>
internal sealed class SegmentValueBacking(SharedSegment segment) : IValueBacking
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Get<T>(int index, bool locked) where T : unmanaged
    {
        if (!locked) return segment.Read<T>(index);
        var thread = Environment.CurrentManagedThreadId;
        Lock(thread);
        try { return segment.Read<T>(index); }
        finally { segment.Release(thread); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set<T>(int index, T value, bool locked) where T : unmanaged
    {
        if (!locked)
        {
            segment.Write(index, value);
            return;
        }
        var thread = Environment.CurrentManagedThreadId;
        Lock(thread);
        try { segment.Write(index, value); }
        finally { segment.Release(thread); }
    }

    public T[] GetRange<T>(int start, int count, bool locked) where T : unmanaged
    {
        var values = new T[count];
        var thread = Environment.CurrentManagedThreadId;
        if (locked) Lock(thread);
        try
        {
            for (var i = 0; i < count; i++) values[i] = segment.Read<T>(start + i);
        }
        finally
        {
            if (locked) segment.Release(thread);
        }
        return values;
    }

    public void SetRange<T>(int start, T[] values, bool locked) where T : unmanaged
    {
        var thread = Environment.CurrentManagedThreadId;
        if (locked) Lock(thread);
        try
        {
            for (var i = 0; i < values.Length; i++) segment.Write(start + i, values[i]);
        }
        finally
        {
            if (locked) segment.Release(thread);
        }
    }

    public bool Acquire(int thread, bool block, TimeSpan? timeout) =>
        Reported(segment.Acquire(thread, block, timeout, CancellationToken.None), thread);

    public async Task<bool> AcquireAsync(int thread, bool block, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Reported(await segment.AcquireAsync(thread, block, timeout, cancellationToken), thread);

    public void Release(int thread) => segment.Release(thread);

    // A plain get/set waits for the lock without reporting (nor forgetting) a dead holder: the next acquire does.
    private void Lock(int thread) => segment.Acquire(thread, true, null, CancellationToken.None);

    private bool Reported(bool acquired, int thread)
    {
        if (acquired && segment.ConsumeAbandoned())
            throw new MpAbandonedLockException(
                $"The lock of this Value/Array was held by a process that ended without releasing it; thread {thread} now holds it and must release it.");
        return acquired;
    }
}
