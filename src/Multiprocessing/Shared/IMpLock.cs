namespace Multiprocessing;

/// <summary>
/// What every lock of this library offers (Python's <c>acquire</c>/<c>release</c> and <c>with lock:</c>):
/// <c>Lock</c>, <c>RLock</c>, the lock of a <c>Value</c>/<c>Array</c>, a Manager's locks.
/// </summary>
public interface IMpLock
{
    /// <summary>Python's <c>acquire(block, timeout)</c>: true once held; false when not blocking or when <paramref name="timeout"/> passed.</summary>
    bool Acquire(bool block = true, TimeSpan? timeout = null);

    /// <summary>Waits for the lock until <paramref name="timeout"/> (false) or the cancellation (<see cref="OperationCanceledException"/>, not held).</summary>
    Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    void Release();

    /// <summary>Acquires, and releases when the result is disposed: <c>using (lk.Hold()) { ... }</c> is Python's <c>with lk:</c>.</summary>
    IDisposable Hold();

    /// <summary><see cref="Hold"/> that waits asynchronously: <c>await using (await lk.HoldAsync()) { ... }</c>.</summary>
    Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default);
}
