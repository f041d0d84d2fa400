using System.Diagnostics;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Condition</c> across processes and hosts, over a Lock or RLock
/// (an RLock of its own by default). It is a lock itself (<c>using (cond.Hold())</c>);
/// <see cref="Wait"/> and <see cref="Notify"/> need the caller to hold it, else they throw
/// <see cref="SynchronizationLockException"/> (Python's RuntimeError). Make one with
/// <see cref="MpContext.Condition"/>.
/// </summary>
public sealed class MpCondition : IMpLock
{
    private readonly SharedObjectAddress _address;
    private readonly LockClient _lock;

    internal MpCondition(SharedObjectAddress address, IMpLock @lock)
    {
        _address = address;
        _lock = @lock switch
        {
            MpLock plain => plain.Client,
            MpRLock reentrant => reentrant.Client,
            MpCondition condition => condition._lock,
            _ => throw new ArgumentException("A condition needs a Lock or RLock made by mp.Lock(), mp.RLock() or a Manager.", nameof(@lock)),
        };
    }

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

    /// <summary>
    /// Releases the lock, waits for a notify, and holds the lock again (every RLock level) before
    /// returning: true when notified, false when <paramref name="timeout"/> passed first.
    /// </summary>
    public bool Wait(TimeSpan? timeout = null)
    {
        var thread = SyncCalls.CurrentThread;
        return Blocking.Wait(() => WaitAsync(thread, timeout, CancellationToken.None));
    }

    /// <summary>
    /// <see cref="Wait"/> that waits asynchronously; a cancellation throws
    /// <see cref="OperationCanceledException"/> once the lock is held again. As continuations move
    /// between threads, the async twins ask that this process holds the lock (any of its threads),
    /// and hand it back to the thread that held it.
    /// </summary>
    public Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitAsync(SyncThreads.Any, timeout, cancellationToken);

    /// <summary>Waits until <paramref name="predicate"/> (run here, with the lock held) is true, or <paramref name="timeout"/> passed; returns its last value.</summary>
    public bool WaitFor(Func<bool> predicate, TimeSpan? timeout = null)
    {
        // The predicate runs on this thread, the lock's owner (as Python's wait_for): only the waits are blocking calls.
        var waited = WaitForLoopAsync(predicate, timeout, left =>
        {
            Wait(left);
            return Task.CompletedTask;
        });
        return waited.GetAwaiter().GetResult(); // already complete: every wait it made returned
    }

    public Task<bool> WaitForAsync(Func<bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForAsync(SyncThreads.Any, predicate, timeout, cancellationToken);

    /// <summary>Wakes up to <paramref name="n"/> waiters, oldest first.</summary>
    public void Notify(int n = 1) => Blocking.Wait(() => NotifyAsync(n));

    public Task NotifyAsync(int n = 1, CancellationToken cancellationToken = default) => NotifyAsync(SyncThreads.Any, n, cancellationToken);

    /// <summary>Wakes every waiter.</summary>
    public void NotifyAll() => Blocking.Wait(() => NotifyAllAsync());

    public Task NotifyAllAsync(CancellationToken cancellationToken = default) => NotifyAsync(SyncThreads.Any, int.MaxValue, cancellationToken);

    private async Task<bool> WaitAsync(int thread, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // cancelled before it starts: not enlisted, the lock kept
        // On the list of sleepers first, then release: a notify sent once the lock is free finds us.
        var token = ProcessToken.Of(_address.Runtime);
        var ticket = (await _address.AskAsync(id => new ConditionEnlist(id, token))).RequestId;
        (int Count, int Thread) held;
        try
        {
            held = await _lock.Core.ReleaseAsync(thread, forWait: true);
        }
        catch (SynchronizationLockException)
        {
            await _address.AskAsync(id => new ConditionLeave(id, ticket));
            throw new SynchronizationLockException("cannot wait on un-acquired lock");
        }
        try
        {
            ICorrelated reply;
            try
            {
                reply = await _address.RequestAsync(id => new ConditionAwait(id, ticket), SyncCalls.WaitFor(true, timeout), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Cancelled before the wait was sent, the ticket is still enlisted: a notify would go to nobody.
                // (A wait that was sent and cancelled is off the list already: then this does nothing.)
                await _address.AskAsync(id => new ConditionLeave(id, ticket));
                throw;
            }
            return reply is SyncFlag { Value: true };
        }
        finally
        {
            // As in Python, the lock is held again however the wait ended.
            await _lock.Core.AcquireAsync(true, null, held.Thread, held.Count, CancellationToken.None);
        }
    }

    private Task<bool> WaitForAsync(int thread, Func<bool> predicate, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // even when the predicate holds already
        return WaitForLoopAsync(predicate, timeout, left => WaitAsync(thread, left, cancellationToken));
    }

    // Python's wait_for: the predicate, then waits for a notify while it is false and time is left.
    private static async Task<bool> WaitForLoopAsync(Func<bool> predicate, TimeSpan? timeout, Func<TimeSpan?, Task> wait)
    {
        var clock = Stopwatch.StartNew();
        var result = predicate();
        while (!result)
        {
            TimeSpan? left = null;
            if (SyncCalls.WaitFor(true, timeout) is { } limit)
            {
                left = limit - clock.Elapsed;
                if (left <= TimeSpan.Zero) break;
            }
            await wait(left);
            result = predicate();
        }
        return result;
    }

    private async Task NotifyAsync(int thread, int n, CancellationToken cancellationToken)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be zero or more");
        if (!await _lock.Core.IsMineAsync(thread)) throw new SynchronizationLockException("cannot notify on un-acquired lock");
        var reply = await _address.AskAsync(id => new ConditionNotify(id, n), cancellationToken);
        if (reply is not SyncCount) throw SyncCalls.Unexpected(reply);
    }
}
