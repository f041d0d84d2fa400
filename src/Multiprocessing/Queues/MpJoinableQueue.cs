using Multiprocessing.Queues;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing;

/// <summary>Python's <c>JoinableQueue</c>: a queue whose consumers mark items done, and whose <see cref="Join"/> waits until all are.</summary>
public sealed class MpJoinableQueue<T> : MpQueue<T>
{
    internal MpJoinableQueue(SharedObjectAddress queue, int maxSize, NodeRuntime runtime) : base(queue, maxSize, runtime)
    {
    }

    /// <summary>One item taken from the queue is processed. Called more often than items were put, it throws.</summary>
    public void TaskDone() => Blocking.Wait(() => End.TaskDoneAsync(CancellationToken.None));

    /// <summary>Waits until every item put has been marked done; false if <paramref name="timeout"/> passed first.</summary>
    public bool Join(TimeSpan? timeout = null) => Blocking.Wait(() => End.JoinAsync(timeout, CancellationToken.None));

    public Task JoinAsync(CancellationToken cancellationToken = default) => End.JoinAsync(null, cancellationToken);
}
