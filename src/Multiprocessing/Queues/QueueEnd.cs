using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Queues;

/// <summary>
/// A queue handle's local side in one process, kept beside the handle (which travels). Puts to
/// an unbounded queue go out in batches from a feeder, as Python's feeder thread does, but are
/// serialized at the call and flushed before the process counts as ended; gets fetch a fair
/// batch ahead, and whatever is not consumed goes back to the queue. Bounded puts and every
/// wait are single requests that are settled with the queue when abandoned, so nothing is lost.
/// </summary>
internal sealed class QueueEnd
{
    private const int BatchItems = 4096;
    private const int FetchAhead = 256;
    private static readonly ConditionalWeakTable<object, QueueEnd> Ends = new();

    private readonly SharedObjectAddress _queue;
    private readonly int _maxSize;
    private readonly NodeRuntime _runtime;
    private readonly ConcurrentQueue<byte[]> _outbox = new();
    private readonly Queue<byte[]> _fetched = new();
    private readonly object _feedLock = new();
    private readonly long _batchBytes;
    private Task _feeder = Task.CompletedTask;
    private bool _feeding;
    private Exception? _feedFailure;
    private volatile bool _closed;
    private int _settleRegistered;

    private QueueEnd(SharedObjectAddress queue, int maxSize, NodeRuntime? runtime)
    {
        _queue = queue;
        _maxSize = maxSize;
        _runtime = runtime ?? queue.Runtime;
        _batchBytes = Math.Max(1, _runtime.Payloads.MaximumPayloadSize / 2);
    }

    // Before the process that uses this handle counts as ended, its puts land and what it fetched
    // ahead goes back. Held weakly: a handle that is gone has nothing left (a running feeder keeps it).
    private void SettleAtExit()
    {
        if (Interlocked.Exchange(ref _settleRegistered, 1) == 1) return;
        var self = new WeakReference<QueueEnd>(this);
        ProcessLife.Of(Mp.CurrentProcess()).OnExit(() => self.TryGetTarget(out var end) ? end.SettleAsync() : Task.CompletedTask);
    }

    /// <summary>The local side of <paramref name="handle"/>: bound to <paramref name="runtime"/> where it was created, else (a handle that travelled here) to this process's runtime.</summary>
    public static QueueEnd Of(object handle, SharedObjectAddress queue, int maxSize, NodeRuntime? runtime = null) =>
        Ends.GetValue(handle, _ => new QueueEnd(queue, maxSize, runtime));

    public byte[] Serialize<T>(T item) => item is null ? [] : _runtime.Payloads.Serialize(item, "queue item");

    public T Deserialize<T>(byte[] bytes) => bytes.Length == 0 ? default! : (T)_runtime.Payloads.Deserialize(bytes, "queue item");

    public async Task PutAsync(byte[] item, bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        CheckOpen();
        SettleAtExit();
        if (_feedFailure is { } failure) throw Failed(failure);
        if (_maxSize <= 0)
        {
            _outbox.Enqueue(item);
            lock (_feedLock)
            {
                if (_feeding) return;
                _feeding = true;
                _feeder = Task.Run(FeedAsync, CancellationToken.None);
            }
            return;
        }
        var reply = await RequestAsync(id => new QueuePut(id, [item], WaitForRoom: block), block ? timeout : null, cancellationToken);
        if (reply is not QueueDone) throw new QueueFullException();
    }

    public async Task<byte[]> GetAsync(bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        CheckOpen();
        SettleAtExit();
        lock (_fetched)
            if (_fetched.Count > 0) return _fetched.Dequeue();
        var reply = await RequestAsync(id => new QueueGet(id, FetchAhead, Wait: block), block ? timeout : null, cancellationToken);
        if (reply is not QueueItems items) throw new QueueEmptyException();
        lock (_fetched)
            foreach (var extra in items.Items.Skip(1)) _fetched.Enqueue(extra);
        return items.Items[0];
    }

    /// <summary>Items in the queue plus those fetched ahead here, after this handle's own puts have landed.</summary>
    public async Task<(int Count, int Unfinished)> StatusAsync(CancellationToken cancellationToken)
    {
        await FlushAsync();
        var status = (QueueStatusReply)await RequestAsync(id => new QueueStatus(id), null, cancellationToken);
        lock (_fetched) return (status.Count + _fetched.Count, status.Unfinished);
    }

    public async Task TaskDoneAsync(CancellationToken cancellationToken)
    {
        await FlushAsync();
        var reply = await RequestAsync(id => new QueueTaskDone(id, 1), null, cancellationToken);
        if (reply is QueueRefused refused) throw new InvalidOperationException(refused.Reason);
    }

    /// <summary>Waits until every item put has been marked done; false if <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> JoinAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await FlushAsync();
        return await RequestAsync(id => new QueueJoin(id), timeout, cancellationToken) is QueueDone;
    }

    /// <summary>Waits until every item put through this handle is in the queue (Python's join_thread).</summary>
    public async Task FlushAsync()
    {
        while (true)
        {
            Task feeder;
            lock (_feedLock)
            {
                if (!_feeding) break;
                feeder = _feeder;
            }
            await feeder;
        }
        if (_feedFailure is { } failure) throw Failed(failure);
    }

    /// <summary>No more puts or gets through this handle (Python's close): what it fetched ahead goes back.</summary>
    public void Close()
    {
        _closed = true;
        ReturnFetched();
    }

    private async Task SettleAsync()
    {
        await FlushAsync();
        ReturnFetched();
    }

    private void ReturnFetched()
    {
        byte[][] unused;
        lock (_fetched)
        {
            unused = [.. _fetched];
            _fetched.Clear();
        }
        if (unused.Length > 0) _queue.Tell(new QueueUnget(unused));
    }

    private async Task FeedAsync()
    {
        while (true)
        {
            var batch = new List<byte[]>();
            long bytes = 0;
            while (batch.Count < BatchItems && bytes < _batchBytes && _outbox.TryDequeue(out var item))
            {
                batch.Add(item);
                bytes += item.Length;
            }
            if (batch.Count == 0)
            {
                lock (_feedLock)
                {
                    if (!_outbox.IsEmpty) continue;
                    _feeding = false;
                    return;
                }
            }
            try
            {
                await RequestAsync(id => new QueuePut(id, batch, WaitForRoom: true), _runtime.Settings.AskTimeout, CancellationToken.None);
            }
            catch (Exception e)
            {
                lock (_feedLock)
                {
                    _feedFailure = e;
                    _feeding = false;
                }
                return;
            }
        }
    }

    private Task<ICorrelated> RequestAsync(Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken) =>
        _queue.RequestAsync(request, wait, cancellationToken);

    private void CheckOpen()
    {
        if (_closed) throw new InvalidOperationException("Queue is closed");
    }

    private static Exception Failed(Exception failure) =>
        new InvalidOperationException($"Items put on this queue could not be delivered: {failure.Message}", failure);
}
