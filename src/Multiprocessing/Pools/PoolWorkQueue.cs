using Multiprocessing.Messages;
using Multiprocessing.Messages.Pools;

namespace Multiprocessing.Pools;

/// <summary>
/// What waits on a pool worker, in order (chunks, and the end of a job): its thread takes one at a time, and the chunks
/// it has not started can be taken back (<see cref="TakeBack"/>), so that a worker stuck on a long chunk does not keep
/// the fast ones behind it from a worker that idles.
/// </summary>
internal sealed class PoolWorkQueue
{
    private readonly LinkedList<IMpMessage> _items = new();
    // One count per item added (and one at the end): the thread waits on it, which spins a moment before it blocks, so a
    // worker fed faster than it runs rarely sleeps. An item taken back leaves its count behind: Take then finds none and waits again.
    private readonly SemaphoreSlim _added = new(0);
    private bool _completed;

    public int Count
    {
        get
        {
            lock (_items) return _items.Count;
        }
    }

    public void Add(IMpMessage item)
    {
        lock (_items)
        {
            if (_completed) return; // the worker stopped: its dispatcher sees it die and hands its chunks out again
            _items.AddLast(item);
        }
        _added.Release();
    }

    /// <summary>The worker stops: <see cref="Take"/> returns null once nothing is left.</summary>
    public void CompleteAdding()
    {
        lock (_items) _completed = true;
        _added.Release();
    }

    /// <summary>The next item, waiting for one (the worker's own thread); null once the worker stopped.</summary>
    public IMpMessage? Take()
    {
        while (true)
        {
            lock (_items)
            {
                if (_items.First is { } first)
                {
                    _items.RemoveFirst();
                    return first.Value;
                }
                if (_completed)
                {
                    _added.Release(); // for the next call, which ends too
                    return null;
                }
            }
            _added.Wait();
        }
    }

    /// <summary>Removes the chunks not started yet that are <paramref name="returnable"/>, and returns them; they never run here.</summary>
    public List<RunChunk> TakeBack(Func<RunChunk, bool> returnable)
    {
        var taken = new List<RunChunk>();
        lock (_items)
        {
            for (var node = _items.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value is RunChunk run && returnable(run))
                {
                    taken.Add(run);
                    _items.Remove(node);
                }
                node = next;
            }
        }
        return taken;
    }
}
