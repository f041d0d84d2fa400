using System.Collections.Concurrent;
using Akka.Actor;

namespace Multiprocessing.Monitoring;

/// <summary>
/// The queues a node made, named for a status in the order they were made (<c>Queue-1</c>, <c>JoinableQueue-2</c>...).
/// A queue's actor lives as long as its node, so entries are never removed.
/// </summary>
internal sealed class QueueDirectory
{
    public sealed record Entry(string Name, int MaxSize, IActorRef Actor);

    private readonly ConcurrentQueue<Entry> _entries = new();
    private int _made;

    public void Add(string kind, int maxSize, IActorRef actor) =>
        _entries.Enqueue(new Entry($"{kind}-{Interlocked.Increment(ref _made)}", maxSize, actor));

    public IReadOnlyList<Entry> All => [.. _entries];
}
