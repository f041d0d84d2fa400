using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Sync;

/// <summary>
/// The calls of a Lock or RLock handle (and of a Condition on its lock). The caller is its
/// process token and managed thread; a Hold remembers the thread that acquired, so it releases
/// as the owner even when an await moved it to another thread.
/// </summary>
internal sealed class LockClient(SharedObjectAddress address) : IMpLock
{
    public SharedObjectAddress Address { get; } = address;

    /// <param name="callerWaits">The caller blocks on the result anyway (see <see cref="SharedObjectAddress.CallAsync"/>).</param>
    public async Task<bool> AcquireAsync(bool block, TimeSpan? timeout, int thread, int count, CancellationToken cancellationToken, bool callerWaits = false)
    {
        var token = ProcessToken.Of(Address.Runtime);
        // A free lock is taken at once, the short way; only a caller that must wait for it is parked by the lock.
        var reply = await Address.CallAsync(id => new LockAcquire(id, token, thread, Wait: false, count), "a lock acquire", callerWaits, cancellationToken);
        if (reply is SyncBusy && block && SyncCalls.WaitFor(block, timeout) != TimeSpan.Zero)
            reply = await Address.RequestAsync(id => new LockAcquire(id, token, thread, Wait: true, count), SyncCalls.WaitFor(block, timeout), cancellationToken);
        return reply switch
        {
            LockGranted { Abandoned: true } => throw new MpAbandonedLockException(
                "The process that held this lock ended without releasing it: the lock is now held by this caller, who must release it."),
            LockGranted => true,
            SyncBusy or RequestCancelled => false,
            _ => throw SyncCalls.Unexpected(reply),
        };
    }

    /// <returns>The recursion levels held before and the owner thread (what a Condition's wait restores).</returns>
    public async Task<(int Count, int Thread)> ReleaseAsync(int thread, bool forWait, bool callerWaits = false)
    {
        var token = ProcessToken.Of(Address.Runtime);
        var reply = await Address.CallAsync(id => new LockRelease(id, token, thread, forWait), "a lock release", callerWaits, CancellationToken.None);
        return reply switch
        {
            LockReleased released => (released.Count, released.Thread),
            SyncRefused refused => throw new SynchronizationLockException(refused.Reason),
            _ => throw SyncCalls.Unexpected(reply),
        };
    }

    public async Task<bool> IsMineAsync(int thread)
    {
        var token = ProcessToken.Of(Address.Runtime);
        var reply = await Address.CallAsync(id => new LockIsMine(id, token, thread), "a lock query", callerWaits: false, CancellationToken.None);
        return reply is SyncFlag { Value: true };
    }

    public bool Acquire(bool block = true, TimeSpan? timeout = null)
    {
        var thread = SyncCalls.CurrentThread;
        return Blocking.Wait(() => AcquireAsync(block, timeout, thread, 1, CancellationToken.None, callerWaits: true));
    }

    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(true, timeout, SyncCalls.CurrentThread, 1, cancellationToken);

    public void Release()
    {
        var thread = SyncCalls.CurrentThread;
        Blocking.Wait(() => ReleaseAsync(thread, false, callerWaits: true));
    }

    public IDisposable Hold()
    {
        var thread = SyncCalls.CurrentThread;
        Blocking.Wait(() => AcquireAsync(true, null, thread, 1, CancellationToken.None, callerWaits: true));
        return new Releaser(() => ReleaseAsync(thread, false));
    }

    public async Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default)
    {
        var thread = SyncCalls.CurrentThread;
        await AcquireAsync(true, null, thread, 1, cancellationToken);
        return new Releaser(() => ReleaseAsync(thread, false));
    }
}
