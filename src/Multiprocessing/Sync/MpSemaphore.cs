using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Semaphore</c> across processes and hosts: a count of free units;
/// an acquire takes one, waiting in arrival order while there is none. Make one with
/// <see cref="MpContext.Semaphore"/>.
/// </summary>
public class MpSemaphore
{
    private readonly SharedObjectAddress _address;

    internal MpSemaphore(SharedObjectAddress address) => _address = address;

    /// <summary>Takes a unit: true once taken; false when not blocking or when <paramref name="timeout"/> passed.</summary>
    public bool Acquire(bool block = true, TimeSpan? timeout = null) =>
        Blocking.Wait(() => AcquireAsync(block, timeout, CancellationToken.None));

    /// <summary>Waits for a unit until <paramref name="timeout"/> (false) or the cancellation (<see cref="OperationCanceledException"/>, nothing taken).</summary>
    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(true, timeout, cancellationToken);

    /// <summary>Gives back <paramref name="n"/> units, waking as many waiters. A bounded semaphore throws <see cref="SemaphoreFullException"/> above its initial value.</summary>
    public void Release(int n = 1) => Blocking.Wait(() => ReleaseAsync(n));

    public async Task ReleaseAsync(int n = 1, CancellationToken cancellationToken = default)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "n must be one or more");
        var reply = await _address.AskAsync(id => new SemaphoreRelease(id, n), cancellationToken);
        if (reply is SyncRefused refused) throw new SemaphoreFullException(refused.Reason);
        if (reply is not SyncDone) throw SyncCalls.Unexpected(reply);
    }

    /// <summary>The free units now (Python's <c>get_value()</c>): a snapshot.</summary>
    public int GetValue() => Blocking.Wait(() => _address.AskAsync(id => new SemaphoreGetValue(id))) is SyncCount count
        ? count.Value
        : throw new InvalidOperationException("Unexpected answer from a semaphore.");

    /// <summary>Acquires, and releases when the result is disposed (Python's <c>with sem:</c>).</summary>
    public IDisposable Hold()
    {
        Acquire();
        return new Releaser(() => ReleaseAsync());
    }

    /// <summary><see cref="Hold"/> that waits asynchronously.</summary>
    public async Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default)
    {
        await AcquireAsync(null, cancellationToken);
        return new Releaser(() => ReleaseAsync());
    }

    private async Task<bool> AcquireAsync(bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var token = ProcessToken.Of(_address.Runtime);
        ICorrelated Acquire(long id) => new SemaphoreAcquire(id, token, block);
        var reply = block ? await _address.RequestAsync(Acquire, SyncCalls.WaitFor(block, timeout), cancellationToken) : await _address.AskAsync(Acquire, cancellationToken);
        return reply switch
        {
            SyncDone => true,
            SyncBusy or RequestCancelled => false,
            _ => throw SyncCalls.Unexpected(reply),
        };
    }
}

/// <summary>
/// Python's <c>multiprocessing.BoundedSemaphore</c>: a <see cref="MpSemaphore"/> whose release
/// throws <see cref="SemaphoreFullException"/> when it would exceed the initial value (Python's
/// ValueError). Make one with <see cref="MpContext.BoundedSemaphore"/>.
/// </summary>
public sealed class MpBoundedSemaphore : MpSemaphore
{
    internal MpBoundedSemaphore(SharedObjectAddress address) : base(address)
    {
    }
}
