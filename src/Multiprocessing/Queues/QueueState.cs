using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Shared;

namespace Multiprocessing.Queues;

/// <summary>
/// The queue itself: serialized items in FIFO order, the consumers waiting for them, the
/// producers waiting for room (bounded queues), and for a JoinableQueue the count of items not
/// yet marked done. Every request is answered exactly once. Hosted by a plain actor for
/// <c>mp.Queue()</c>, by a sharded entity for a Manager's queue (it moves with its waiters).
/// </summary>
internal sealed class QueueState(int maxSize) : SharedState
{
    private sealed record Waiting(IActorRef Sender, long RequestId, int Max = 0, IReadOnlyList<byte[]>? Items = null);

    private readonly int _maxSize = maxSize;
    // Items from _head on; the consumed front is dropped once it is the larger part.
    private readonly List<byte[]> _items = [];
    private int _head;
    private readonly List<Waiting> _consumers = [];
    private readonly List<Waiting> _producers = [];
    private readonly List<Waiting> _joiners = [];
    private int _unfinished;

    private int Count => _items.Count - _head;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case QueuePut put:
                if (HasRoomFor(put.Items.Count) && _producers.Count == 0) Accept(caller, put.RequestId, put.Items, host);
                else if (put.WaitForRoom) { host.Watch(caller); _producers.Add(new Waiting(caller, put.RequestId, Items: put.Items)); }
                else caller.Tell(new QueueFull(put.RequestId), host.Self);
                Serve(host);
                break;
            case QueueGet get:
                if (Count > 0) Deliver(new Waiting(caller, get.RequestId, get.Max), waitingConsumers: _consumers.Count, host);
                else if (get.Wait) { host.Watch(caller); _consumers.Add(new Waiting(caller, get.RequestId, get.Max)); }
                else caller.Tell(new QueueEmpty(get.RequestId), host.Self);
                AdmitProducers(host);
                break;
            case QueueTaskDone done:
                if (done.Count > _unfinished)
                {
                    caller.Tell(new QueueRefused(done.RequestId, "task_done() called too many times"), host.Self);
                    return;
                }
                _unfinished -= done.Count;
                caller.Tell(new QueueDone(done.RequestId), host.Self);
                ReleaseJoiners(host);
                break;
            case QueueJoin join:
                if (_unfinished == 0) caller.Tell(new QueueDone(join.RequestId), host.Self);
                else { host.Watch(caller); _joiners.Add(new Waiting(caller, join.RequestId)); }
                break;
            case QueueStatus status:
                caller.Tell(new QueueStatusReply(status.RequestId, Count, _unfinished), host.Self);
                break;
            default:
                throw new NotSupportedException($"A queue does not handle {request.GetType().Name}.");
        }
    }

    public override void HandleOneWay(IMpMessage message, ISharedStateHost host)
    {
        if (message is not QueueUnget unget) return;
        for (var i = unget.Items.Count - 1; i >= 0; i--)
        {
            if (_head > 0) _items[--_head] = unget.Items[i];
            else _items.Insert(0, unget.Items[i]);
        }
        Serve(host);
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        // Not found: it was answered already, and that answer settles it.
        if (Remove(_consumers, caller, requestId) || Remove(_producers, caller, requestId) || Remove(_joiners, caller, requestId))
            caller.Tell(new RequestCancelled(requestId), host.Self);
    }

    // A process that died while waiting: nothing may be handed to it any more.
    public override void Gone(IActorRef actor, ISharedStateHost host)
    {
        _consumers.RemoveAll(w => w.Sender.Equals(actor));
        _joiners.RemoveAll(w => w.Sender.Equals(actor));
        _producers.RemoveAll(w => w.Sender.Equals(actor));
    }

    public override IEnumerable<IActorRef> Watched => _consumers.Concat(_producers).Concat(_joiners).Select(w => w.Sender).Distinct();

    public override IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests => _consumers.Concat(_producers).Concat(_joiners).Select(w => (w.Sender, w.RequestId));

    private bool HasRoomFor(int count) => _maxSize <= 0 || Count + count <= _maxSize;

    private void Accept(IActorRef sender, long requestId, IReadOnlyList<byte[]> items, ISharedStateHost host)
    {
        _items.AddRange(items);
        _unfinished += items.Count;
        sender.Tell(new QueueDone(requestId), host.Self);
    }

    // Waiting consumers first, then producers waiting for the room that frees.
    private void Serve(ISharedStateHost host)
    {
        while (Count > 0 && _consumers.Count > 0)
        {
            var consumer = _consumers[0];
            _consumers.RemoveAt(0);
            Deliver(consumer, waitingConsumers: _consumers.Count, host);
        }
        AdmitProducers(host);
    }

    private void AdmitProducers(ISharedStateHost host)
    {
        var admitted = false;
        while (_producers.Count > 0 && HasRoomFor(_producers[0].Items!.Count))
        {
            var producer = _producers[0];
            _producers.RemoveAt(0);
            Accept(producer.Sender, producer.RequestId, producer.Items!, host);
            admitted = true;
        }
        if (admitted) Serve(host);
    }

    // A consumer may take several items at once (fewer round trips), but leaves a fair share
    // for the consumers still waiting.
    private void Deliver(Waiting consumer, int waitingConsumers, ISharedStateHost host)
    {
        var share = Math.Max(1, Count / (waitingConsumers + 1));
        var count = Math.Min(Math.Max(1, consumer.Max), share);
        var batch = _items.GetRange(_head, count).ToArray();
        _head += count;
        if (_head > 1024 && _head * 2 > _items.Count)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }
        consumer.Sender.Tell(new QueueItems(consumer.RequestId, batch), host.Self);
    }

    private void ReleaseJoiners(ISharedStateHost host)
    {
        if (_unfinished != 0) return;
        foreach (var joiner in _joiners) joiner.Sender.Tell(new QueueDone(joiner.RequestId), host.Self);
        _joiners.Clear();
    }

    private static bool Remove(List<Waiting> waiting, IActorRef sender, long requestId) =>
        waiting.RemoveAll(w => w.RequestId == requestId && w.Sender.Equals(sender)) > 0;
}

/// <summary>The actor of a queue made by a context (<c>mp.Queue()</c>): a <see cref="QueueState"/> in the process that made it.</summary>
internal static class QueueActor
{
    public static Props Props(int maxSize) => SharedObjectActor.Props(new QueueState(maxSize));
}
