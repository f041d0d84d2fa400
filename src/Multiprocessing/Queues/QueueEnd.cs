using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;
using Multiprocessing.Sync;

namespace Multiprocessing.Queues;

/// <summary>
/// A queue handle's local side in one process, held in a field the serializer skips (the handle travels). Puts to
/// an unbounded queue go out in batches from a feeder, as Python's feeder thread does, but are
/// serialized at the call and flushed before the process counts as ended. Gets borrow a fair
/// batch ahead (one request in flight at a time); the queue keeps the batch lent to this handle
/// until this process's code has received each item, which the handle tells it on its next
/// request, after a moment otherwise, and at once in its process's consumption ledger. What it
/// did not hand out goes back when it closes, when its process ends (confirmed before the process
/// counts as ended), when the queue recalls it for a waiting consumer, or if the process dies.
/// </summary>
internal sealed class QueueEnd
{
    // Items borrowed per request: each borrow is a round trip the consumer waits for, and what a
    // lease holds is the queue's until received (it goes back on exit, death or recall), so a long
    // lease costs nothing in safety; a queue with several waiting consumers shares fairly anyway.
    private const int FetchAhead = 1024;

    // How long received items may go untold when no request carries the news: it bounds what a
    // consumer on another host (which has no ledger the queue can read) may receive twice if it dies,
    // and how long a bounded queue's room waits for a consumer that stopped asking.
    private static readonly TimeSpan AcknowledgeAfter = TimeSpan.FromMilliseconds(100);

    private readonly SharedObjectAddress _queue;
    private readonly int _maxSize;
    private readonly NodeRuntime _runtime;
    private readonly MpProcess _process;

    // The bytes of items one message carries, either way: half a frame leaves room for its envelope.
    private readonly long _batchBytes;

    // Put side.
    private readonly BatchFeeder<byte[]> _feeder;
    private Exception? _feedFailure; // the last batch that failed
    private long _failedBatches; // how many failed, and how many of those a Put or JoinThread has reported: Interlocked
    private long _reportedBatches;

    // Get side: the lease in hand, guarded by itself.
    private readonly Queue<(long Seq, byte[] Bytes)> _lent = new();
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private Identity? _identity;
    private long _leaseId = -1;
    private long _recalledAhead = -1; // a recall that came before the items of its lease
    private long _consumed = -1;
    private long _told = -1;
    private bool _borrowed;
    private Timer? _acknowledge;
    private bool _acknowledgeArmed;

    /// <summary>Who borrows, made at the first borrow: the process's token, this handle's number on the node, its ledger slot.</summary>
    private sealed record Identity(Akka.Actor.IActorRef Token, long Fetcher, LedgerSlot? Ledger);

    private volatile bool _closed;
    private int _settleRegistered;

    /// <param name="runtime">Where the handle was created; null for a handle that travelled here (this process's runtime).</param>
    public QueueEnd(SharedObjectAddress queue, int maxSize, NodeRuntime? runtime)
    {
        _queue = queue;
        _maxSize = maxSize;
        _runtime = runtime ?? queue.Runtime;
        _process = Mp.CurrentProcess();
        _batchBytes = _runtime.Payloads.BatchBytes;
        _feeder = new BatchFeeder<byte[]>(_batchBytes, item => item.Length, FeedAsync);
    }

    public byte[] Serialize<T>(T item) => _runtime.Payloads.SerializeItem(item, "queue item");

    public T? Deserialize<T>(byte[] bytes) => _runtime.Payloads.DeserializeItem<T>(bytes, "queue item");

    public async Task PutAsync(byte[] item, bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // an unbounded put waits for nothing: cancelled, it puts nothing
        CheckOpen();
        SettleAtExit();
        ThrowFeedFailure();
        if (_maxSize <= 0)
        {
            _feeder.Add(item);
            // A large item is in the queue before its put returns, so that a producer of large items holds
            // one at a time beyond what it made, not all it put.
            if (item.LongLength > _batchBytes) await FlushAsync();
            return;
        }
        ICorrelated Put(long id) => new QueuePut(id, [item], WaitForRoom: block);
        var reply = block ? await RequestAsync(Put, timeout, cancellationToken) : await _queue.AskAsync(Put, cancellationToken);
        if (reply is not QueueDone) throw new MpQueueFullException();
    }

    /// <summary>
    /// The next item: from this handle's lease, else borrowed from the queue. Only one borrow is in
    /// flight per handle (as Python's get holds a read lock): a caller that cannot have its turn
    /// within its timeout, or at once when not blocking, gets <see cref="MpQueueEmptyException"/>.
    /// </summary>
    public async Task<byte[]> GetAsync(bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // cancelled, it takes nothing (not even an item lent to this handle)
        CheckOpen();
        SettleAtExit();
        if (TryHandOut(out var item)) return item;
        var deadline = block && timeout is { } t ? Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds) : (long?)null;
        if (!await _fetching.WaitAsync(block ? Remaining(deadline) ?? Timeout.InfiniteTimeSpan : TimeSpan.Zero, cancellationToken))
            throw new MpQueueEmptyException();
        try
        {
            if (TryHandOut(out item)) return item;
            var borrower = Borrower();
            _borrowed = true;
            ICorrelated Get(long id) => new QueueGet(id, FetchAhead, Wait: block, borrower, _batchBytes);
            var reply = block ? await RequestAsync(Get, Remaining(deadline), cancellationToken) : await _queue.AskAsync(Get, cancellationToken);
            Told(borrower.Consumed);
            if (reply is not QueueItems items) throw new MpQueueEmptyException();
            bool handedOut;
            lock (_lent)
            {
                _leaseId = items.RequestId;
                for (var i = 0; i < items.Items.Count; i++) _lent.Enqueue((items.Seqs[i], items.Items[i]));
                // The first item goes to this caller under the same lock: a recall of this lease that comes now (the queue
                // wants the items for a consumer that waits) takes the others, never the one this Get came for. (A lease
                // always holds one item at least.)
                handedOut = TryHandOut(out item);
            }
            if (Interlocked.Read(ref _recalledAhead) == items.RequestId) Recall(items.RequestId);
            return handedOut ? item : throw new MpQueueEmptyException();
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>Items in the queue, including those lent and not yet received anywhere (this handle's count exactly), after this handle's own puts have landed.</summary>
    public async Task<QueueStatusReply> StatusAsync(CancellationToken cancellationToken)
    {
        await _feeder.FlushAsync(); // its answer counts this handle's puts; a failed one is the next Put's or JoinThread's to report
        var borrower = _borrowed ? Borrower() : null;
        var status = (QueueStatusReply)await _queue.AskAsync(id => new QueueStatus(id, borrower), cancellationToken);
        if (borrower is not null) Told(borrower.Consumed);
        return status;
    }

    public async Task TaskDoneAsync(CancellationToken cancellationToken)
    {
        await _feeder.FlushAsync(); // its answer counts this handle's puts; a failed one is the next Put's or JoinThread's to report
        var borrower = Borrower();
        var reply = await _queue.AskAsync(id => new QueueTaskDone(id, 1, borrower), cancellationToken);
        Told(borrower.Consumed);
        if (reply is QueueRefused refused) throw new InvalidOperationException(refused.Reason);
    }

    /// <summary>Waits until every item put has been marked done; false if <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> JoinAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await _feeder.FlushAsync(); // its answer counts this handle's puts; a failed one is the next Put's or JoinThread's to report
        return await RequestAsync(id => new QueueJoin(id), timeout, cancellationToken) is QueueDone;
    }

    /// <summary>Waits until every item put through this handle is in the queue (Python's join_thread).</summary>
    public async Task FlushAsync()
    {
        await _feeder.FlushAsync();
        ThrowFeedFailure();
    }

    /// <summary>No more puts or gets through this handle (Python's close): what it holds goes back, confirmed by the queue.</summary>
    public Task CloseAsync() => GiveBackAsync(processEnding: false);

    /// <summary>The queue asks back what this handle holds of lease <paramref name="leaseId"/> and has not handed out: a consumer waits for it.</summary>
    public void Recall(long leaseId)
    {
        QueueBorrower borrower;
        lock (_lent)
        {
            if (_closed) return;
            if (_leaseId < leaseId) // its items are still on their way here: give them back once they come
            {
                Interlocked.Exchange(ref _recalledAhead, leaseId);
                return;
            }
            if (_leaseId != leaseId || _lent.Count == 0) return; // all handed out, or a newer lease already
            _lent.Clear();
            borrower = Borrower();
        }
        // Answered like any request, so the return is confirmed; nothing waits for it here.
        _ = RequestAsync(id => new QueueReturn(id, borrower, leaseId, ProcessEnding: false), _runtime.Settings.AskTimeout, CancellationToken.None)
            .ContinueWith(returned =>
            {
                // Not answered (the queue is gone, or did not answer in time): the lease stays with this process and
                // goes back when the handle asks again, closes, or its process ends or dies. Nothing is lost.
                if (returned.IsCompletedSuccessfully) Told(borrower.Consumed);
                else _ = returned.Exception;
            }, TaskScheduler.Default);
    }

    // Before the process that uses this handle counts as ended, its puts land and what it was lent
    // and did not hand out goes back. Held weakly: a handle that is gone has nothing left (a running
    // feeder keeps it), and its lease goes back when the process's token ends.
    private void SettleAtExit()
    {
        if (Interlocked.Exchange(ref _settleRegistered, 1) == 1) return;
        var self = new WeakReference<QueueEnd>(this);
        _process.Life.OnExit(() => self.TryGetTarget(out var end) ? end.SettleAsync() : Task.CompletedTask);
    }

    private async Task SettleAsync()
    {
        await FlushAsync();
        await GiveBackAsync(processEnding: true);
    }

    private async Task GiveBackAsync(bool processEnding)
    {
        QueueBorrower borrower;
        lock (_lent)
        {
            if (_closed && !processEnding) return;
            _closed = true;
            _lent.Clear();
            _acknowledge?.Dispose();
            if (!_borrowed) return;
            borrower = Borrower();
        }
        try
        {
            await RequestAsync(id => new QueueReturn(id, borrower, LeaseId: -1, processEnding), _runtime.Settings.AskTimeout, CancellationToken.None);
        }
        catch (Exception e) when (e is MpRemoteGoneException or ObjectDisposedException)
        {
            // The queue is gone with its process, or its Manager was disposed: there is nothing to give back to.
        }
    }

    // Takes the next lent item for this process's code, writing first (to the ledger, then for the
    // queue) that the code has it: from here on it is the code's, even if the process dies.
    private bool TryHandOut(out byte[] item)
    {
        lock (_lent)
        {
            CheckOpen();
            if (!_lent.TryDequeue(out var next))
            {
                item = [];
                return false;
            }
            Interlocked.Exchange(ref _consumed, next.Seq);
            if (_identity!.Ledger is { } slot) _runtime.Ledger!.Record(slot.Index, next.Seq);
            if (!_acknowledgeArmed)
            {
                _acknowledgeArmed = true;
                (_acknowledge ??= new Timer(_ => AcknowledgeNow())).Change(AcknowledgeAfter, Timeout.InfiniteTimeSpan);
            }
            item = next.Bytes;
            return true;
        }
    }

    // No request carried the news for a moment: tell the queue what the code received.
    private void AcknowledgeNow()
    {
        QueueBorrower borrower;
        lock (_lent)
        {
            _acknowledgeArmed = false;
            if (_closed || _consumed == Interlocked.Read(ref _told)) return;
            borrower = Borrower();
        }
        _queue.Tell(new QueueAck(borrower));
        Told(borrower.Consumed);
    }

    private void Told(long consumed) => Interlocked.Exchange(ref _told, consumed);

    private QueueBorrower Borrower()
    {
        Identity identity;
        lock (_lent) identity = _identity ??= new Identity(ProcessToken.Of(_runtime, _process), _runtime.QueueEnds.Register(this), _runtime.Ledger?.Allocate());
        return new QueueBorrower(identity.Token, identity.Fetcher, Interlocked.Read(ref _consumed), identity.Ledger);
    }

    private static TimeSpan? Remaining(long? deadline) =>
        deadline is { } at ? TimeSpan.FromMilliseconds(Math.Max(0, at - Environment.TickCount64)) : null;

    // The feeder's send. A batch that fails (its queue's node died while it was on its way: it may or may not have
    // landed) fails the next put or flush of this handle, once; the feeder goes on with what was put after it, since
    // the queue may be back (a Manager queue fails over to its copy) and a queue that is gone fails each batch at once.
    private async Task FeedAsync(List<byte[]> batch)
    {
        try
        {
            await RequestAsync(id => new QueuePut(id, batch, WaitForRoom: true), _runtime.Settings.AskTimeout, CancellationToken.None);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _feedFailure, e);
            Interlocked.Increment(ref _failedBatches);
        }
    }

    // Reports batches that failed since the last report, once, to the caller that finds them (a Put, a JoinThread, the
    // flush at the process's end). The hot put path reads two counters and writes nothing when nothing failed.
    private void ThrowFeedFailure()
    {
        var failed = Interlocked.Read(ref _failedBatches);
        var reported = Interlocked.Read(ref _reportedBatches);
        if (failed == reported) return;
        if (Interlocked.CompareExchange(ref _reportedBatches, failed, reported) != reported) return; // another caller reports them
        throw Failed(Volatile.Read(ref _feedFailure)!);
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
