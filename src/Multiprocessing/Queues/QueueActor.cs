using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;

namespace Multiprocessing.Queues;

/// <summary>
/// The queue itself: serialized items in FIFO order, the consumers waiting for them, the
/// producers waiting for room (bounded queues), and for a JoinableQueue the count of items not
/// yet marked done. Every request is answered exactly once.
/// </summary>
internal sealed class QueueActor : ReceiveActor
{
    private sealed record Waiting(IActorRef Sender, long RequestId, int Max = 0, IReadOnlyList<byte[]>? Items = null);

    private readonly int _maxSize;
    private readonly LinkedList<byte[]> _items = new();
    private readonly List<Waiting> _consumers = [];
    private readonly List<Waiting> _producers = [];
    private readonly List<Waiting> _joiners = [];
    private int _unfinished;

    public QueueActor(int maxSize)
    {
        _maxSize = maxSize;

        Receive<QueuePut>(put =>
        {
            if (HasRoomFor(put.Items.Count) && _producers.Count == 0) Accept(Sender, put.RequestId, put.Items);
            else if (put.WaitForRoom) { Watch(Sender); _producers.Add(new Waiting(Sender, put.RequestId, Items: put.Items)); }
            else Sender.Tell(new QueueFull(put.RequestId));
            Serve();
        });

        Receive<QueueGet>(get =>
        {
            if (_items.Count > 0) Deliver(new Waiting(Sender, get.RequestId, get.Max), waitingConsumers: _consumers.Count);
            else if (get.Wait) { Watch(Sender); _consumers.Add(new Waiting(Sender, get.RequestId, get.Max)); }
            else Sender.Tell(new QueueEmpty(get.RequestId));
            AdmitProducers();
        });

        Receive<CancelRequest>(cancel =>
        {
            // Not found: it was answered already, and that answer settles it.
            if (Remove(_consumers, Sender, cancel.RequestId) || Remove(_producers, Sender, cancel.RequestId) || Remove(_joiners, Sender, cancel.RequestId))
                Sender.Tell(new RequestCancelled(cancel.RequestId));
        });

        Receive<QueueUnget>(unget =>
        {
            for (var i = unget.Items.Count - 1; i >= 0; i--) _items.AddFirst(unget.Items[i]);
            Serve();
        });

        Receive<QueueTaskDone>(done =>
        {
            if (done.Count > _unfinished)
            {
                Sender.Tell(new QueueRefused(done.RequestId, "task_done() called too many times"));
                return;
            }
            _unfinished -= done.Count;
            Sender.Tell(new QueueDone(done.RequestId));
            ReleaseJoiners();
        });

        Receive<QueueJoin>(join =>
        {
            if (_unfinished == 0) Sender.Tell(new QueueDone(join.RequestId));
            else { Watch(Sender); _joiners.Add(new Waiting(Sender, join.RequestId)); }
        });

        Receive<QueueStatus>(status => Sender.Tell(new QueueStatusReply(status.RequestId, _items.Count, _unfinished)));

        // A process that died while waiting: nothing may be handed to it any more.
        Receive<Terminated>(t =>
        {
            _consumers.RemoveAll(w => w.Sender.Equals(t.ActorRef));
            _joiners.RemoveAll(w => w.Sender.Equals(t.ActorRef));
            _producers.RemoveAll(w => w.Sender.Equals(t.ActorRef));
        });
    }

    private bool HasRoomFor(int count) => _maxSize <= 0 || _items.Count + count <= _maxSize;

    private void Accept(IActorRef sender, long requestId, IReadOnlyList<byte[]> items)
    {
        foreach (var item in items) _items.AddLast(item);
        _unfinished += items.Count;
        sender.Tell(new QueueDone(requestId));
    }

    // Waiting consumers first, then producers waiting for the room that frees.
    private void Serve()
    {
        while (_items.Count > 0 && _consumers.Count > 0)
        {
            var consumer = _consumers[0];
            _consumers.RemoveAt(0);
            Deliver(consumer, waitingConsumers: _consumers.Count);
        }
        AdmitProducers();
    }

    private void AdmitProducers()
    {
        var admitted = false;
        while (_producers.Count > 0 && HasRoomFor(_producers[0].Items!.Count))
        {
            var producer = _producers[0];
            _producers.RemoveAt(0);
            Accept(producer.Sender, producer.RequestId, producer.Items!);
            admitted = true;
        }
        if (admitted) Serve();
    }

    // A consumer may take several items at once (fewer round trips), but leaves a fair share
    // for the consumers still waiting.
    private void Deliver(Waiting consumer, int waitingConsumers)
    {
        var share = Math.Max(1, _items.Count / (waitingConsumers + 1));
        var count = Math.Min(Math.Max(1, consumer.Max), share);
        var batch = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            batch[i] = _items.First!.Value;
            _items.RemoveFirst();
        }
        consumer.Sender.Tell(new QueueItems(consumer.RequestId, batch));
    }

    private void ReleaseJoiners()
    {
        if (_unfinished != 0) return;
        foreach (var joiner in _joiners) joiner.Sender.Tell(new QueueDone(joiner.RequestId));
        _joiners.Clear();
    }

    private static bool Remove(List<Waiting> waiting, IActorRef sender, long requestId) =>
        waiting.RemoveAll(w => w.RequestId == requestId && w.Sender.Equals(sender)) > 0;

    private void Watch(IActorRef sender) => Context.Watch(sender);

    public static Props Props(int maxSize) => Akka.Actor.Props.Create(() => new QueueActor(maxSize));
}
