using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// The calls of a Lock or RLock handle (and of a Condition on its lock). The caller is its
/// process token and managed thread; a Hold remembers the thread that acquired, so it releases
/// as the owner even when an await moved it to another thread.
/// </summary>
internal sealed class LockClient(SharedObjectAddress address) : IMpLock
{
    public SharedObjectAddress Address { get; } = address;

    public async Task<bool> AcquireAsync(bool block, TimeSpan? timeout, int thread, int count, CancellationToken cancellationToken)
    {
        var token = ProcessToken.Of(Address.Runtime);
        var reply = await Address.RequestAsync(id => new LockAcquire(id, token, thread, block, count), SyncCalls.WaitFor(block, timeout), cancellationToken);
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
    public async Task<(int Count, int Thread)> ReleaseAsync(int thread, bool forWait)
    {
        var token = ProcessToken.Of(Address.Runtime);
        var reply = await Address.AskAsync(id => new LockRelease(id, token, thread, forWait));
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
        var reply = await Address.AskAsync(id => new LockIsMine(id, token, thread));
        return reply is SyncFlag { Value: true };
    }

    public bool Acquire(bool block = true, TimeSpan? timeout = null) =>
        AcquireAsync(block, timeout, SyncCalls.CurrentThread, 1, CancellationToken.None).GetAwaiter().GetResult();

    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(true, timeout, SyncCalls.CurrentThread, 1, cancellationToken);

    public void Release() => ReleaseAsync(SyncCalls.CurrentThread, false).GetAwaiter().GetResult();

    public IDisposable Hold()
    {
        var thread = SyncCalls.CurrentThread;
        AcquireAsync(true, null, thread, 1, CancellationToken.None).GetAwaiter().GetResult();
        return new Releaser(() => ReleaseAsync(thread, false));
    }

    public async Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default)
    {
        var thread = SyncCalls.CurrentThread;
        await AcquireAsync(true, null, thread, 1, cancellationToken);
        return new Releaser(() => ReleaseAsync(thread, false));
    }
}
