using Multiprocessing.Shared;
using Multiprocessing.Sync;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Lock</c> across processes and hosts: one holder at a time, waiters
/// served in arrival order. Any process may release it; releasing it unlocked throws
/// <see cref="SynchronizationLockException"/>. If the holding process ends without releasing,
/// the next acquirer gets it with <see cref="MpAbandonedLockException"/>. The handle travels as a
/// process argument or through a queue. Make one with <see cref="MpContext.Lock"/>.
/// </summary>
public sealed class MpLock : MpLockHandle
{
    internal MpLock(SharedObjectAddress address) : base(new LockClient(address, reentrant: false))
    {
    }

    internal MpLock(LockClient client) : base(client)
    {
    }
}

/// <summary>What <see cref="MpLock"/> and <see cref="MpRLock"/> share: their calls go to a lock state (reentrant or not).</summary>
public abstract class MpLockHandle : IMpLock
{
    private readonly LockClient _lock;

    private protected MpLockHandle(LockClient client) => _lock = client;

    internal LockClient Client => _lock;

    /// <inheritdoc />
    public bool Acquire(bool block = true, TimeSpan? timeout = null) => _lock.Acquire(block, timeout);

    /// <inheritdoc />
    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) => _lock.AcquireAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Release() => _lock.Release();

    /// <inheritdoc />
    public IDisposable Hold() => _lock.Hold();

    /// <inheritdoc />
    public Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default) => _lock.HoldAsync(cancellationToken);
}

/// <summary>
/// Python's <c>multiprocessing.RLock</c>: held by one process AND thread, which may acquire it
/// again (each acquire needs its release). Only the owner releases; anyone else gets
/// <see cref="SynchronizationLockException"/>. From async code use <see cref="HoldAsync"/>: it
/// releases as the thread that acquired. Make one with <see cref="MpContext.RLock"/>.
/// </summary>
public sealed class MpRLock : MpLockHandle
{
    internal MpRLock(SharedObjectAddress address) : base(new LockClient(address, reentrant: true))
    {
    }

    internal MpRLock(LockClient client) : base(client)
    {
    }
}
