using System.Collections.Concurrent;
using Multiprocessing.Messages.Queues;

namespace Multiprocessing.Queues;

/// <summary>The queue handles of one node that borrow items, by number: where a queue's recall finds the handle it lent to.</summary>
internal sealed class QueueEnds
{
    // A sweep walks every end: once per this many registrations keeps its cost per handle small and dead entries few.
    private const int PruneEvery = 1024;

    private readonly ConcurrentDictionary<long, WeakReference<QueueEnd>> _ends = new();
    private long _next;

    /// <summary>A number for <paramref name="end"/>, unique on this node; held weakly (a handle that is gone is forgotten).</summary>
    public long Register(QueueEnd end)
    {
        var number = Interlocked.Increment(ref _next);
        _ends[number] = new WeakReference<QueueEnd>(end);
        if (number % PruneEvery == 0)
            foreach (var (known, weak) in _ends)
                if (!weak.TryGetTarget(out _)) _ends.TryRemove(known, out _);
        return number;
    }

    /// <summary>Runs on the thread that delivers the recall: the handle only hands its items back, without waiting.</summary>
    public void Recall(QueueRecall recall)
    {
        if (_ends.TryGetValue(recall.Fetcher, out var weak) && weak.TryGetTarget(out var end)) end.Recall(recall.LeaseId);
    }
}
