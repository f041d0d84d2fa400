using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// A lock reached through the actor holding it (a Manager's, one from another host, or with shared memory off):
/// each call is a request; the caller is its process token and managed thread.
/// </summary>
internal sealed class ActorLockCore(SharedObjectAddress address) : ILockCore
{
    public bool Acquire(bool block, TimeSpan? timeout, int thread) =>
        Blocking.Wait(() => AcquireAsync(block, timeout, thread, 1, CancellationToken.None, callerWaits: true));

    public async Task<bool> AcquireAsync(bool block, TimeSpan? timeout, int thread, int count, CancellationToken cancellationToken, bool callerWaits = false)
    {
        var token = ProcessToken.Of(address.Runtime);
        // A free lock is taken at once, the short way; only a caller that must wait for it is parked by the lock.
        var reply = await address.CallAsync(id => new LockAcquire(id, token, thread, Wait: false, count), "a lock acquire", callerWaits, cancellationToken);
        if (reply is SyncBusy && block && SyncCalls.WaitFor(block, timeout) != TimeSpan.Zero)
            reply = await address.RequestAsync(id => new LockAcquire(id, token, thread, Wait: true, count), SyncCalls.WaitFor(block, timeout), cancellationToken);
        return reply switch
        {
            LockGranted { Abandoned: true } => throw LockAbandoned.Exception(),
            LockGranted => true,
            SyncBusy or RequestCancelled => false,
            _ => throw SyncCalls.Unexpected(reply),
        };
    }

    public void Release(int thread) => Blocking.Wait(() => ReleaseAsync(thread, false, callerWaits: true));

    public async Task<(int Count, int Thread)> ReleaseAsync(int thread, bool forWait, bool callerWaits = false)
    {
        var token = ProcessToken.Of(address.Runtime);
        var reply = await address.CallAsync(id => new LockRelease(id, token, thread, forWait), "a lock release", callerWaits, CancellationToken.None);
        return reply switch
        {
            LockReleased released => (released.Count, released.Thread),
            SyncRefused refused => throw new SynchronizationLockException(refused.Reason),
            _ => throw SyncCalls.Unexpected(reply),
        };
    }

    public async Task<bool> IsMineAsync(int thread)
    {
        var token = ProcessToken.Of(address.Runtime);
        var reply = await address.CallAsync(id => new LockIsMine(id, token, thread), "a lock query", callerWaits: false, CancellationToken.None);
        return reply is SyncFlag { Value: true };
    }
}
