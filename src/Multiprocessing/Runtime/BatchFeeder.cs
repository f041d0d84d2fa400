using System.Collections.Concurrent;

namespace Multiprocessing.Runtime;

/// <summary>
/// Sends what its callers add in batches, one batch on its way at a time, as Python's queue feeder thread does: what is
/// added while a batch is on its way makes up the next one. Many small messages cost one round trip per batch, not one
/// each, and a lone message still goes at once.
/// </summary>
/// <param name="maxBytes">About how many bytes one batch carries (what fits a message).</param>
/// <param name="size">An item's size as it counts against <paramref name="maxBytes"/>.</param>
/// <param name="send">Sends one batch and settles its failure itself (a batch that fails must not stop the ones after it): it never throws.</param>
internal sealed class BatchFeeder<T>(long maxBytes, Func<T, long> size, Func<List<T>, Task> send)
{
    // Items per batch, whatever their size: bounds what one message makes its receiver do before it handles another.
    private const int MaxItems = 4096;

    private readonly ConcurrentQueue<T> _outbox = new();
    private readonly object _gate = new();
    private Task _running = Task.CompletedTask;
    private bool _feeding;

    /// <summary>Adds <paramref name="item"/> to the next batch, and starts the feeder if it is idle.</summary>
    public void Add(T item)
    {
        _outbox.Enqueue(item);
        lock (_gate)
        {
            if (_feeding) return;
            _feeding = true;
            _running = Task.Run(FeedAsync, CancellationToken.None);
        }
    }

    /// <summary>Completes once the feeder is idle: everything added before was sent.</summary>
    public async Task FlushAsync()
    {
        while (true)
        {
            Task running;
            lock (_gate)
            {
                if (!_feeding) return;
                running = _running;
            }
            await running;
        }
    }

    private async Task FeedAsync()
    {
        while (true)
        {
            var batch = new List<T>();
            long bytes = 0;
            while (batch.Count < MaxItems && bytes < maxBytes && _outbox.TryDequeue(out var item))
            {
                batch.Add(item);
                bytes += size(item);
            }
            if (batch.Count == 0)
            {
                lock (_gate)
                {
                    if (!_outbox.IsEmpty) continue;
                    _feeding = false;
                    return;
                }
            }
            await send(batch);
        }
    }
}
