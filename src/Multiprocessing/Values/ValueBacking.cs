namespace Multiprocessing.Values;

/// <summary>
/// Where a Value's or Array's handle reads, writes and locks: the mapped segment on its host, or
/// the actor holding it (from another host, or a Manager's). <paramref name="locked"/> arguments:
/// the operation takes the object's RLock around itself, as Python's synchronized get/set do.
/// Lock calls name the owning thread explicitly so that an async holder can release from another thread.
/// </summary>
internal interface IValueBacking
{
    T Get<T>(int index, bool locked) where T : unmanaged;
    void Set<T>(int index, T value, bool locked) where T : unmanaged;
    T[] GetRange<T>(int start, int count, bool locked) where T : unmanaged;
    void SetRange<T>(int start, T[] values, bool locked) where T : unmanaged;

    /// <summary>Python's acquire; throws <see cref="MpAbandonedLockException"/> AFTER acquiring from a dead holder.</summary>
    Task<bool> AcquireAsync(int thread, bool block, TimeSpan? timeout, CancellationToken cancellationToken);

    bool Acquire(int thread, bool block, TimeSpan? timeout);

    void Release(int thread);
}
