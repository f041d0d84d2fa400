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
            Monitor.Pulse(_items);
        }
    }

    /// <summary>The worker stops: <see cref="Take"/> returns null once nothing is left.</summary>
    public void CompleteAdding()
    {
        lock (_items)
        {
            _completed = true;
            Monitor.PulseAll(_items);
        }
    }

    /// <summary>The next item, waiting for one (the worker's own thread); null once the worker stopped.</summary>
    public IMpMessage? Take()
    {
        lock (_items)
        {
            while (_items.Count == 0)
            {
                if (_completed) return null;
                Monitor.Wait(_items);
            }
            var item = _items.First!.Value;
            _items.RemoveFirst();
            return item;
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
