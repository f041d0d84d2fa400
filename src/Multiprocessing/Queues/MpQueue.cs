using Multiprocessing.Queues;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Queue</c>: any number of producers and consumers in any processes;
/// every item is delivered exactly once, in order per producer. Create it with <see cref="MpContext.Queue{T}"/>.
/// </summary>
public class MpQueue<T> : MpQueueHandle<T>
{
    internal MpQueue(SharedObjectAddress queue, int maxSize, NodeRuntime runtime) : base(queue, maxSize, runtime)
    {
    }

    /// <summary>The bound given at creation; 0 for an unbounded queue.</summary>
    public int MaxSize => Bound;

    /// <summary>Python's <c>put(item, block, timeout)</c>: on a full bounded queue, waits for room
    /// (up to <paramref name="timeout"/>), or throws <see cref="MpQueueFullException"/> at once when not blocking.</summary>
    public void Put(T item, bool block, TimeSpan? timeout = null) =>
        Blocking.Wait((End, Item: End.Serialize(item), block, timeout), static put => put.End.PutAsync(put.Item, put.block, put.timeout, CancellationToken.None));

    public void PutNowait(T item) => Put(item, block: false);

    /// <summary>Python's <c>get(block, timeout)</c>: throws <see cref="MpQueueEmptyException"/> when nothing came in time; a get that gives up takes nothing.</summary>
    public T? Get(bool block, TimeSpan? timeout = null) =>
        End.Deserialize<T>(Blocking.Wait((End, block, timeout), static get => get.End.GetAsync(get.block, get.timeout, CancellationToken.None)));

    public T? GetNowait() => Get(block: false);

    /// <summary>Approximate number of items, as Python's.</summary>
    public int QSize() => Blocking.Wait(() => End.StatusAsync(CancellationToken.None)).Count;

    public bool Full() => MaxSize > 0 && QSize() >= MaxSize;

    /// <summary>Waits until everything put through this handle is in the queue (Python's <c>join_thread</c>).</summary>
    public void JoinThread() => Blocking.Wait(End.FlushAsync);
}
