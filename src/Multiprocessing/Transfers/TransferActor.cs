using Akka.Actor;
using Akka.Event;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Transfers;
using Multiprocessing.Runtime;

namespace Multiprocessing.Transfers;

/// <summary>
/// /system/mp-transfers: this node's end of every large transfer, both ways. Outgoing, it writes a
/// message to the recipient's node over the direct link when one is up; else it sends the message's
/// bytes (<see cref="TransferParts"/>) in chunks to the transfer actor of the recipient's node, never more
/// than a window ahead of what that node acknowledged, and completes the sender's task once all
/// are in. Incoming, it fills arrays of the announced lengths (in all bounded by the maximum payload),
/// then rebuilds the message and hands it to its recipient from its original sender. A sender
/// starts only once the receiver says go, which it does while the buffers of its transfers in
/// progress hold at most twice the maximum payload: the others wait their turn (at most
/// <see cref="MaxWaiting"/> of them), so no peer, however many transfers it opens, makes a node
/// allocate without bound. A transfer
/// that makes no progress for ask-timeout, or whose recipient dies (its node with it), ends failed
/// on both sides; nothing half-received is ever delivered.
/// </summary>
internal sealed class TransferActor : ReceiveActor, IWithTimers
{
    public const string Dispatcher = "multiprocessing.payloads.dispatcher";

    /// <summary>Transfers announced to this node that wait for room; one more is refused.</summary>
    public const int MaxWaiting = 1024;

    /// <summary>Local: send this message to <paramref name="Recipient"/> on another node (Nobody: to the actors at <paramref name="RecipientPath"/> there).</summary>
    public sealed record Send(Address Node, IActorRef Recipient, string? RecipientPath, IActorRef Sender, object Message, TaskCompletionSource Done);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed class Outgoing(Send send, TransferParts parts, ActorSelection peer)
    {
        public Send Send { get; } = send;
        public TransferParts Parts { get; } = parts;
        public ActorSelection Peer { get; } = peer;
        public long Sent { get; set; }
        public long Acknowledged { get; set; }
        public long LastProgressAt { get; set; } = Environment.TickCount64;
    }

    private sealed class Incoming(TransferStart start)
    {
        public TransferStart Start { get; } = start;
        public TransferParts Parts { get; } = TransferParts.Receiving(start.Length - start.Detached.Sum(n => (long)n), start.Detached);
        public long Received { get; set; }
        public long Acknowledged { get; set; }
        public long LastChunkAt { get; set; } = Environment.TickCount64;
    }

    private readonly Dictionary<long, Outgoing> _outgoing = [];
    private readonly Dictionary<(IActorRef From, long Id), Incoming> _incoming = [];
    private readonly Queue<(IActorRef From, TransferStart Start)> _waiting = new();
    private long _incomingBytes;
    private readonly TransferSettings _settings;
    private readonly Func<IDirectRoute?> _direct;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HostDeathWatch _deaths;
    private long _nextId;

    public TransferActor(TransferSettings settings, Func<IDirectRoute?> direct)
    {
        _settings = settings;
        _direct = direct;
        _deaths = new HostDeathWatch(Context);

        Receive<Send>(Start);
        Receive<TransferProgress>(Progress);
        Receive<TransferRefused>(refused => Fail(refused.TransferId, new IOException($"The receiving node dropped a large message: {refused.Reason}")));
        Receive<TransferStart>(Open);
        Receive<TransferChunk>(Chunk);
        Receive<Tick>(_ => Expire());
        Receive<Terminated>(t =>
        {
            _deaths.Terminated(t.ActorRef);
            RecipientGone(t.ActorRef);
        });
        Receive<HostGone>(host =>
        {
            foreach (var recipient in _deaths.Gone(host)) RecipientGone(recipient);
        });
        Receive<HostDeathWatch.AlreadyGone>(gone => RecipientGone(gone.Actor));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // Stalls are found within a second of the stall timeout.
    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TimeSpan.FromSeconds(1));

    private void Start(Send send)
    {
        // Over the direct link for large messages, written on this actor's own thread: several times faster than
        // chunks through Akka.Remote, and its payload is never copied. The link's reader takes one frame at a time.
        if (!send.Recipient.IsNobody() && _direct() is { } direct)
        {
            try
            {
                if (direct.TrySendLarge(send.Recipient, send.Message, send.Sender))
                {
                    send.Done.TrySetResult();
                    return;
                }
            }
            catch (Exception e)
            {
                CannotSerialize(send, e); // chunks would fail the same way
                return;
            }
        }
        int serializerId;
        string manifest;
        TransferParts parts;
        try
        {
            // The message without its detached payload, whose arrays the chunks are cut from as they are.
            var (skeleton, detached) = PayloadSerializer.Detach(send.Message);
            var serializer = Context.System.Serialization.FindSerializerFor(skeleton);
            serializerId = serializer.Identifier;
            manifest = Akka.Serialization.Serialization.ManifestFor(serializer, skeleton);
            // With this node's address, so that the references it holds resolve on the far node.
            var body = Akka.Serialization.Serialization.WithTransport((ExtendedActorSystem)Context.System, () => serializer.ToBinary(skeleton));
            parts = new TransferParts(body, detached);
        }
        catch (Exception e)
        {
            CannotSerialize(send, e);
            return;
        }
        var id = ++_nextId;
        var peer = Context.ActorSelection(ActorNames.SystemActorOn(send.Node, ActorNames.Transfers));
        var transfer = new Outgoing(send, parts, peer);
        _outgoing[id] = transfer;
        if (!send.Recipient.IsNobody()) _deaths.Watch(send.Recipient);
        // The chunks follow the receiver's first acknowledgement: it says go once it has room.
        peer.Tell(new TransferStart(id, parts.Length, serializerId, manifest, send.Recipient, send.RecipientPath, send.Sender, parts.DetachedLengths), Self);
    }

    // Sends chunks while fewer than a window's bytes are unacknowledged: a slow receiver holds the sender back.
    private void Pump(long id, Outgoing transfer)
    {
        var parts = transfer.Parts;
        while (transfer.Sent < parts.Length && transfer.Sent - transfer.Acknowledged < _settings.WindowBytes)
        {
            var length = (int)Math.Min(_settings.ChunkBytes, parts.Length - transfer.Sent);
            var chunk = new TransferChunk(id, transfer.Sent, parts.Read(transfer.Sent, length));
            transfer.Peer.Tell(chunk, Self);
            transfer.Sent += length;
        }
    }

    // Logged too: a sender that does not wait for its task (an actor's reply) would not hear of it.
    private void CannotSerialize(Send send, Exception e)
    {
        var failure = e as MpSerializationException ?? new MpSerializationException($"Cannot serialize a large {send.Message.GetType().Name}: {e.Message}", e);
        _log.Error(failure, "A large message for {0} could not be sent", send.Recipient.IsNobody() ? send.RecipientPath : send.Recipient.Path.ToString());
        send.Done.TrySetException(failure);
    }

    private void Progress(TransferProgress progress)
    {
        if (!_outgoing.TryGetValue(progress.TransferId, out var transfer)) return;
        transfer.Acknowledged = Math.Max(transfer.Acknowledged, progress.Received);
        transfer.LastProgressAt = Environment.TickCount64;
        if (transfer.Acknowledged >= transfer.Parts.Length)
        {
            _outgoing.Remove(progress.TransferId);
            transfer.Send.Done.TrySetResult();
            UnwatchIfIdle(transfer.Send.Recipient);
        }
        else Pump(progress.TransferId, transfer);
    }

    private void Open(TransferStart start)
    {
        if (start.Length <= 0 || start.Length > _settings.MaximumPayload)
            Sender.Tell(new TransferRefused(start.TransferId,
                $"{start.Length:N0} bytes is over this node's maximum of {_settings.MaximumPayload:N0} (multiprocessing.payloads.maximum-size)."));
        else if (!Plausible(start))
            Sender.Tell(new TransferRefused(start.TransferId, $"its {start.Detached?.Length ?? 0} detached arrays do not fit its {start.Length:N0} bytes."));
        else if (_waiting.Count >= MaxWaiting)
            Sender.Tell(new TransferRefused(start.TransferId, $"{MaxWaiting} large messages already wait for room on this node."));
        else
        {
            _waiting.Enqueue((Sender, start));
            Admit();
        }
    }

    // The detached arrays announced fit in the announced length, with room for the message around them.
    private static bool Plausible(TransferStart start)
    {
        if (start.Detached is null || start.Detached.Length > start.Length) return false;
        long detached = 0;
        foreach (var length in start.Detached)
        {
            if (length < 0) return false;
            detached += length;
        }
        return detached < start.Length;
    }

    // Gives room to waiting transfers in their order while the buffers in use stay within twice the maximum payload.
    private void Admit()
    {
        while (_waiting.TryPeek(out var next) && (_incoming.Count == 0 || _incomingBytes + next.Start.Length <= 2 * _settings.MaximumPayload))
        {
            _waiting.Dequeue();
            Incoming transfer;
            try
            {
                transfer = new Incoming(next.Start);
            }
            catch (OutOfMemoryException)
            {
                next.From.Tell(new TransferRefused(next.Start.TransferId, $"this node has no memory left for {next.Start.Length:N0} bytes."));
                continue;
            }
            _incoming[(next.From, next.Start.TransferId)] = transfer;
            _incomingBytes += next.Start.Length;
            next.From.Tell(new TransferProgress(next.Start.TransferId, 0));
        }
    }

    private void Close((IActorRef From, long Id) key)
    {
        if (!_incoming.Remove(key, out var transfer)) return;
        _incomingBytes -= transfer.Parts.Length;
        Admit();
    }

    private void Chunk(TransferChunk chunk)
    {
        var key = (Sender, chunk.TransferId);
        if (!_incoming.TryGetValue(key, out var transfer)) return; // refused or expired: the sender has been told
        if (chunk.Offset != transfer.Received || chunk.Bytes.LongLength > transfer.Parts.Length - transfer.Received)
        {
            Close(key);
            Sender.Tell(new TransferRefused(chunk.TransferId, $"a chunk at {chunk.Offset:N0} does not follow the {transfer.Received:N0} bytes received."));
            return;
        }
        transfer.Parts.Write(transfer.Received, chunk.Bytes);
        transfer.Received += chunk.Bytes.LongLength;
        transfer.LastChunkAt = Environment.TickCount64;
        // Acknowledged a quarter window at a time: the sender never waits, the link carries few acknowledgements.
        if (transfer.Received - transfer.Acknowledged >= _settings.WindowBytes / 4 || transfer.Received == transfer.Parts.Length)
        {
            transfer.Acknowledged = transfer.Received;
            Sender.Tell(new TransferProgress(chunk.TransferId, transfer.Received));
        }
        if (transfer.Received < transfer.Parts.Length) return;
        Close(key);
        Deliver(transfer.Start, transfer.Parts);
    }

    private void Deliver(TransferStart start, TransferParts parts)
    {
        object message;
        try
        {
            var skeleton = Context.System.Serialization.Deserialize(parts.Body, start.SerializerId, start.Manifest);
            message = PayloadSerializer.Attach(skeleton, parts.Detached, "a large message");
        }
        catch (Exception e)
        {
            // The sender's node serialized it with the same serializers: only a mismatch of versions gets here.
            _log.Error(e, "A large message for {0} could not be rebuilt; it is dropped", start.Recipient);
            return;
        }
        var sender = start.Sender.IsNobody() ? ActorRefs.NoSender : start.Sender;
        if (start.RecipientPath is { } path) Context.ActorSelection(path).Tell(message, sender);
        else start.Recipient.Tell(message, sender);
    }

    private void Expire()
    {
        var now = Environment.TickCount64;
        foreach (var (id, transfer) in _outgoing.ToList())
        {
            if (now - transfer.LastProgressAt > _settings.StallTimeout.TotalMilliseconds)
                Fail(id, new TimeoutException(
                    $"A large message to {transfer.Send.Node} made no progress for {_settings.StallTimeout} (multiprocessing.ask-timeout): the node is overloaded or gone."));
        }
        foreach (var (key, transfer) in _incoming.ToList())
        {
            if (now - transfer.LastChunkAt <= _settings.StallTimeout.TotalMilliseconds) continue;
            Close(key);
            _log.Warning("A large message from {0} stalled after {1:N0} of {2:N0} bytes; it is dropped", key.From.Path.Address, transfer.Received, transfer.Parts.Length);
        }
    }

    // Restarted after a failure, or stopped with its node: nobody waits on a transfer that will not end.
    protected override void PostStop()
    {
        foreach (var id in _outgoing.Keys.ToList()) Fail(id, new IOException("This node's transfer actor stopped."));
    }

    // Its node died or the actor stopped: the message could not be delivered anyway.
    private void RecipientGone(IActorRef recipient)
    {
        foreach (var (id, _) in _outgoing.Where(t => recipient.Equals(t.Value.Send.Recipient)).ToList())
            Fail(id, new MpRemoteGoneException($"{recipient.Path} was receiving a large message and is gone (its process or node ended)."));
    }

    private void Fail(long id, Exception failure)
    {
        if (!_outgoing.Remove(id, out var transfer)) return;
        transfer.Send.Done.TrySetException(failure);
        UnwatchIfIdle(transfer.Send.Recipient);
    }

    private void UnwatchIfIdle(IActorRef recipient)
    {
        if (!_outgoing.Values.Any(t => recipient.Equals(t.Send.Recipient))) _deaths.Unwatch(recipient);
    }

    public static Props Props(TransferSettings settings, Func<IDirectRoute?> direct) =>
        Akka.Actor.Props.Create(() => new TransferActor(settings, direct));
}
