using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Shared;

namespace Multiprocessing.Queues;

/// <summary>
/// The queue itself: serialized items in FIFO order, the items lent to consumers and not yet
/// received by their code, the consumers waiting for items, the producers waiting for room
/// (bounded queues), and for a JoinableQueue the count of items not yet marked done. Every request
/// is answered exactly once. Hosted by a plain actor for <c>mp.Queue()</c>, by a sharded entity for a
/// Manager's queue (it moves with its leases and waiters).
/// </summary>
/// <remarks>
/// Nothing a consumer's code has not received is lost: a get lends a batch (a lease) to one handle
/// of one process, and an item leaves for good only once that process says its code received it
/// (<see cref="QueueBorrower.Consumed"/>, on its next request or a timer). Whatever a lease still
/// holds goes back to the front, in the items' original order, when the handle gives it back, asks
/// again, or its process ends or dies; for a dead process the queue reads the process's
/// consumption ledger in shared memory when it is on this host, else it trusts the last mark it was told.
/// With <c>redeliverUnfinished</c>, items a process received go back too if it ends before marking them done.
/// </remarks>
internal sealed class QueueState(int maxSize, bool redeliverUnfinished = false) : SharedState
{
    /// <summary>An item and its number: items come back to the front in that order.</summary>
    private readonly record struct Item(long Seq, byte[] Bytes);

    /// <summary>What one handle of one process was lent by its last get, not yet known to be received.</summary>
    private sealed class Lease(QueueBorrower borrower, IActorRef inbox, long requestId, List<Item> items)
    {
        public QueueBorrower Borrower { get; } = borrower;
        public IActorRef Inbox { get; } = inbox;
        public long RequestId { get; } = requestId;
        public List<Item> Items { get; } = items;
        public bool Recalled { get; set; }
    }

    /// <summary>Items a process's code received from a JoinableQueue that redelivers unfinished items, and task_done calls it made ahead of them.</summary>
    private sealed class Unfinished(IActorRef token)
    {
        public IActorRef Token { get; } = token;
        public List<Item> Items { get; } = [];
        public int DoneAhead { get; set; }
    }

    private sealed record Waiting(IActorRef Sender, long RequestId, int Max = 0, IReadOnlyList<byte[]>? Items = null, QueueBorrower? Borrower = null,
        long MaxBytes = long.MaxValue);

    private readonly int _maxSize = maxSize;
    private readonly bool _redeliverUnfinished = redeliverUnfinished;
    // Items from _head on, in sequence order; the consumed front is dropped once it is the larger part.
    private readonly List<Item> _items = [];
    private int _head;
    // Below this many, the consumed front costs little memory: a short queue is not shifted on every get.
    private const int CompactFrontAbove = 1024;
    private long _nextSeq;
    private readonly List<Lease> _leases = [];
    private readonly List<Unfinished> _unfinishedBy = [];
    private readonly List<Waiting> _consumers = [];
    private readonly List<Waiting> _producers = [];
    private readonly List<Waiting> _joiners = [];
    private int _unfinished;

    private int Queued => _items.Count - _head;

    private int Lent => _leases.Sum(l => l.Items.Count);

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case QueuePut put:
                if (HasRoomFor(put.Items.Count) && _producers.Count == 0) Accept(caller, put.RequestId, put.Items, host);
                else if (put.WaitForRoom) { host.Watch(caller); _producers.Add(new Waiting(caller, put.RequestId, Items: put.Items)); }
                else host.Reply(caller, new QueueFull(put.RequestId));
                Serve(host);
                break;
            case QueueGet get:
                Acknowledge(get.Borrower, host);
                // A handle asks again only once it handed out all it had: the rest of its lease never reached it.
                GiveBack(FindLease(get.Borrower), host);
                var consumer = new Waiting(caller, get.RequestId, get.Max, Borrower: get.Borrower, MaxBytes: get.MaxBytes);
                if (Queued > 0) Deliver(consumer, waitingConsumers: _consumers.Count, host);
                else if (get.Wait)
                {
                    host.Watch(get.Borrower.Token);
                    _consumers.Add(consumer);
                    RecallIdleLeases(get.Borrower, host);
                }
                else host.Reply(caller, new QueueEmpty(get.RequestId));
                Serve(host);
                break;
            case QueueReturn back:
                Acknowledge(back.Borrower, host);
                if (FindLease(back.Borrower) is { } lease && (back.LeaseId < 0 || back.LeaseId == lease.RequestId)) GiveBack(lease, host);
                if (back.ProcessEnding) GiveBackUnfinished(back.Borrower.Token);
                host.Reply(caller, new QueueDone(back.RequestId));
                Serve(host);
                break;
            case QueueTaskDone done:
                if (done.Borrower is { } doneBy) Acknowledge(doneBy, host);
                if (done.Count > _unfinished)
                {
                    host.Reply(caller, new QueueRefused(done.RequestId, "task_done() called too many times"));
                    return;
                }
                _unfinished -= done.Count;
                if (_redeliverUnfinished && done.Borrower is { } by) CreditDone(by.Token, done.Count);
                host.Reply(caller, new QueueDone(done.RequestId));
                ReleaseJoiners(host);
                Serve(host);
                break;
            case QueueJoin join:
                if (_unfinished == 0) host.Reply(caller, new QueueDone(join.RequestId));
                else { host.Watch(caller); _joiners.Add(new Waiting(caller, join.RequestId)); }
                break;
            case QueueStatus status:
                if (status.Borrower is { } asker) Acknowledge(asker, host);
                host.Reply(caller, new QueueStatusReply(status.RequestId, Queued + Lent, _unfinished, _consumers.Count, _producers.Count));
                Serve(host);
                break;
            default:
                throw new NotSupportedException($"A queue does not handle {request.GetType().Name}.");
        }
    }

    public override void HandleOneWay(IMpMessage message, ISharedStateHost host)
    {
        if (message is not QueueAck ack) return;
        Acknowledge(ack.Borrower, host);
        Serve(host);
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        // Not found: it was answered already, and that answer settles it (items lent stay lent).
        if (Remove(_consumers, caller, requestId) || Remove(_producers, caller, requestId) || Remove(_joiners, caller, requestId))
            host.Reply(caller, new RequestCancelled(requestId));
    }

    /// <summary>
    /// A process (its token) or a node (a caller's inbox) is gone. Its parked requests are dropped;
    /// what its leases hold beyond what its code received goes back, and with redeliver-unfinished
    /// so does what it received and never marked done.
    /// </summary>
    public override void Gone(IActorRef actor, ISharedStateHost host)
    {
        _consumers.RemoveAll(w => w.Sender.Equals(actor) || w.Borrower?.Token.Equals(actor) == true);
        _joiners.RemoveAll(w => w.Sender.Equals(actor));
        _producers.RemoveAll(w => w.Sender.Equals(actor));
        foreach (var lease in _leases.Where(l => l.Borrower.Token.Equals(actor) || l.Inbox.Equals(actor)).ToList())
        {
            // The ledger in shared memory is exact (written before Get returned); the last mark told may lag.
            if (lease.Borrower.Ledger is { } slot && host.Ledgers.Read(slot) is { } consumed)
                Acknowledge(lease.Borrower with { Consumed = consumed }, host);
            GiveBack(lease, host);
        }
        GiveBackUnfinished(actor);
        Serve(host);
    }

    /// <summary>A state that moved to another host maps the ledgers of the processes it lends to again.</summary>
    public override void Resumed(ISharedStateHost host)
    {
        foreach (var lease in _leases)
            if (lease.Borrower.Ledger is { } slot) host.Ledgers.Hold(slot);
    }

    public override IEnumerable<IActorRef> Watched =>
        _producers.Concat(_joiners).Select(w => w.Sender)
            .Concat(_consumers.Select(w => w.Borrower!.Token))
            .Concat(_leases.Select(l => l.Borrower.Token))
            .Concat(_unfinishedBy.Select(u => u.Token))
            .Distinct();

    public override IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests => _consumers.Concat(_producers).Concat(_joiners).Select(w => (w.Sender, w.RequestId));

    // Lent items count until received: a bounded queue's room frees when a consumer's code takes an item, as in Python.
    private bool HasRoomFor(int count) => _maxSize <= 0 || Queued + Lent + count <= _maxSize;

    private void Accept(IActorRef sender, long requestId, IReadOnlyList<byte[]> items, ISharedStateHost host)
    {
        for (var i = 0; i < items.Count; i++) _items.Add(new Item(_nextSeq++, items[i]));
        _unfinished += items.Count;
        host.Reply(sender, new QueueDone(requestId));
    }

    // Waiting consumers first, then producers waiting for the room that frees.
    private void Serve(ISharedStateHost host)
    {
        while (true)
        {
            while (Queued > 0 && _consumers.Count > 0)
            {
                var consumer = _consumers[0];
                _consumers.RemoveAt(0);
                Deliver(consumer, waitingConsumers: _consumers.Count, host);
            }
            if (!AdmitProducers(host)) return;
        }
    }

    private bool AdmitProducers(ISharedStateHost host)
    {
        var admitted = false;
        while (_producers.Count > 0 && HasRoomFor(_producers[0].Items!.Count))
        {
            var producer = _producers[0];
            _producers.RemoveAt(0);
            Accept(producer.Sender, producer.RequestId, producer.Items!, host);
            admitted = true;
        }
        return admitted;
    }

    // A consumer may take several items at once (fewer round trips), but leaves a fair share
    // for the consumers still waiting, and takes no more bytes than fit its reply (one item at
    // least). The batch is lent to its handle until its code receives it.
    private void Deliver(Waiting consumer, int waitingConsumers, ISharedStateHost host)
    {
        var borrower = consumer.Borrower!;
        var share = Math.Max(1, Queued / (waitingConsumers + 1));
        var count = Math.Min(Math.Max(1, consumer.Max), share);
        long bytes = _items[_head].Bytes.Length;
        for (var i = 1; i < count; i++)
        {
            bytes += _items[_head + i].Bytes.Length;
            if (bytes > consumer.MaxBytes) count = i;
        }
        var batch = _items.GetRange(_head, count);
        _head += count;
        if (_head > CompactFrontAbove && _head * 2 > _items.Count)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }
        GiveBack(FindLease(borrower), host); // a parked get's handle has nothing left of an older lease
        _leases.Add(new Lease(borrower, consumer.Sender, consumer.RequestId, batch));
        host.Watch(borrower.Token);
        if (borrower.Ledger is { } slot) host.Ledgers.Hold(slot);
        var items = new byte[count][];
        var seqs = new long[count];
        for (var i = 0; i < count; i++) (seqs[i], items[i]) = (batch[i].Seq, batch[i].Bytes);
        host.Reply(consumer.Sender, new QueueItems(consumer.RequestId, items, seqs));
    }

    // The borrower's code received every item of its lease up to the one numbered Consumed (items
    // are handed out in order); a number not in the lease is an older lease's, and says nothing of this one.
    private void Acknowledge(QueueBorrower borrower, ISharedStateHost host)
    {
        if (FindLease(borrower) is not { } lease) return;
        var received = lease.Items.FindIndex(i => i.Seq == borrower.Consumed) + 1;
        if (received == 0) return;
        if (_redeliverUnfinished) Received(borrower.Token, lease.Items.Take(received));
        lease.Items.RemoveRange(0, received);
        if (lease.Items.Count == 0) EndLease(lease, host);
    }

    // Back to the front of the queue, merged in sequence order with what came back before.
    private void GiveBack(Lease? lease, ISharedStateHost host)
    {
        if (lease is null) return;
        ReturnToFront(lease.Items);
        lease.Items.Clear();
        EndLease(lease, host);
    }

    // Once per lease: a lease its code received whole ends when acknowledged, and a death that
    // follows must not release its ledger's mapping again (another lease may still need it).
    private void EndLease(Lease lease, ISharedStateHost host)
    {
        if (!_leases.Remove(lease)) return;
        if (lease.Borrower.Ledger is { } slot) host.Ledgers.Release(slot);
    }

    // Items come back only from the front (the queue lends its oldest first), so every item
    // never lent has a higher number than every item that comes back: merging keeps the order.
    private void ReturnToFront(List<Item> back)
    {
        if (back.Count == 0) return;
        back.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        var merged = new List<Item>(back.Count);
        var front = _head;
        var i = 0;
        while (i < back.Count)
        {
            if (front < _items.Count && _items[front].Seq < back[i].Seq) merged.Add(_items[front++]);
            else merged.Add(back[i++]);
        }
        _items.RemoveRange(_head, front - _head);
        _items.InsertRange(_head, merged);
    }

    // A consumer waits on an empty queue while other handles hold items they have not handed out:
    // ask them back (once per lease), so that an item never waits in one process while another waits for it.
    private void RecallIdleLeases(QueueBorrower waiting, ISharedStateHost host)
    {
        foreach (var lease in _leases)
        {
            if (lease.Recalled || lease.Items.Count == 0 || IsSameHandle(lease.Borrower, waiting)) continue;
            lease.Recalled = true;
            host.Reply(lease.Inbox, new QueueRecall(lease.Borrower.Fetcher, lease.RequestId));
        }
    }

    private Lease? FindLease(QueueBorrower borrower) => _leases.Find(l => IsSameHandle(l.Borrower, borrower));

    private static bool IsSameHandle(QueueBorrower a, QueueBorrower b) => a.Fetcher == b.Fetcher && a.Token.Equals(b.Token);

    private void Received(IActorRef token, IEnumerable<Item> items)
    {
        var unfinished = UnfinishedOf(token);
        foreach (var item in items)
        {
            if (unfinished.DoneAhead > 0) unfinished.DoneAhead--;
            else unfinished.Items.Add(item);
        }
    }

    // task_done() is credited to the calling process's oldest item received and not yet done.
    private void CreditDone(IActorRef token, int count)
    {
        var unfinished = UnfinishedOf(token);
        var done = Math.Min(count, unfinished.Items.Count);
        unfinished.Items.RemoveRange(0, done);
        unfinished.DoneAhead += count - done; // its items were received through a handle that has not said so yet
    }

    private Unfinished UnfinishedOf(IActorRef token)
    {
        var unfinished = _unfinishedBy.Find(u => u.Token.Equals(token));
        if (unfinished is null) _unfinishedBy.Add(unfinished = new Unfinished(token));
        return unfinished;
    }

    private void GiveBackUnfinished(IActorRef token)
    {
        if (_unfinishedBy.Find(u => u.Token.Equals(token)) is not { } unfinished) return;
        _unfinishedBy.Remove(unfinished);
        ReturnToFront(unfinished.Items);
    }

    private void ReleaseJoiners(ISharedStateHost host)
    {
        if (_unfinished != 0) return;
        foreach (var joiner in _joiners) host.Reply(joiner.Sender, new QueueDone(joiner.RequestId));
        _joiners.Clear();
    }

    private static bool Remove(List<Waiting> waiting, IActorRef sender, long requestId) =>
        waiting.RemoveAll(w => w.RequestId == requestId && w.Sender.Equals(sender)) > 0;
}

/// <summary>The actor of a queue made by a context (<c>mp.Queue()</c>): a <see cref="QueueState"/> in the process that made it.</summary>
internal static class QueueActor
{
    public static Props Props(int maxSize, bool redeliverUnfinished = false) => SharedObjectActor.Props(new QueueState(maxSize, redeliverUnfinished));
}
