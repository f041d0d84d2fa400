using Multiprocessing.Messages;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>What the handles of the synchronisation primitives share.</summary>
internal static class SyncCalls
{
    /// <summary>Makes the state a shared object of this process: an actor here, addressed by the handles.</summary>
    public static SharedObjectAddress Host(NodeRuntime runtime, SharedState state) =>
        new SharedObjectAddress(runtime.System.ActorOf(SharedObjectActor.Props(state))).Bind(runtime);

    /// <summary>How long a parked call waits: forever for null or infinite, never less than zero (as Python). A call that does not block is answered at once (<see cref="SharedObjectAddress.AskAsync"/>).</summary>
    public static TimeSpan? WaitFor(bool block, TimeSpan? timeout) =>
        !block || timeout is null || timeout == Timeout.InfiniteTimeSpan ? null
        : timeout < TimeSpan.Zero ? TimeSpan.Zero
        : timeout;

    public static InvalidOperationException Unexpected(ICorrelated reply) =>
        new($"Unexpected answer {reply.GetType().Name} from a shared object.");

    public static int CurrentThread => Environment.CurrentManagedThreadId;

    /// <summary>A token for a same-host wait: the caller's, and the end of the calling process (<see cref="SegmentLockHolds.Ended"/>).</summary>
    public static CancellationTokenSource UntilEnded(CancellationToken cancellationToken, SegmentLockHolds holds) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, holds.Ended);
}

/// <summary>Thread ids as the lock states read them.</summary>
internal static class SyncThreads
{
    /// <summary>Any thread of the calling process (managed thread ids start at 1).</summary>
    public const int Any = Values.SharedSegment.AnyThread;
}

/// <summary>Releases once, when disposed: what <c>Hold()</c> returns (Python's <c>with</c>).</summary>
internal sealed class Releaser(Func<Task> release) : IDisposable, IAsyncDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) Blocking.Wait(release);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) await release();
    }
}
