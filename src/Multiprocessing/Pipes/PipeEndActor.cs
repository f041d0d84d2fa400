using Akka.Actor;
using Multiprocessing.Direct;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pipes;

/// <summary>
/// One end of a pipe. As owner it holds the end's mailbox (messages from the peer, in the
/// peer's order), serves readers (each message to exactly one) and sends to the peer. Asked by
/// a process that uses the end elsewhere, it hands the state over and forwards whatever still
/// comes its way. The origin (the endpoint made with the pipe) always knows where the end is,
/// gets it back when its holder ends, and closes it if its holder dies.
/// </summary>
internal sealed class PipeEndActor : ReceiveActor, IWithUnboundedStash
{
    /// <summary>Local: the process that holds this endpoint is ending; give the end back to its origin.</summary>
    public sealed record ReturnEnd;

    // Its process is ending and what this end sent is all with the peer's node: give the end back now.
    private sealed record SendsSettled(IActorRef Answer);

    private sealed record Reader(IActorRef Sender, long RequestId, bool Peek);

    private readonly Queue<byte[]> _inbox = new();
    private readonly SortedDictionary<long, byte[]> _early = [];
    private readonly List<Reader> _readers = [];
    private readonly PipeCredit _credit;
    private readonly long _reportEvery;
    private readonly DirectChannel _direct;
    private readonly Transfers.PayloadTransfers _transfers = Transfers.PayloadTransfers.Get(Context.System);
    private readonly HostDeathWatch _deaths;
    private IActorRef _peer = ActorRefs.Nobody;
    private IActorRef _origin = ActorRefs.Nobody;
    private long _nextSendSeq;
    private long _nextExpectedSeq;
    private long _peerClosedAfter = long.MaxValue; // no message after this count will come
    private long _unreported; // bytes this end's readers received that the peer has not been told of
    private readonly List<Task> _sending = []; // large messages still on their way (to the peer's node, or forwarded)


    public IStash Stash { get; set; } = null!;

    /// <param name="credit">The writing side of this end in its process: broken when the peer closed or died, so that sends fail at the call; grown by what the peer's readers received.</param>
    /// <param name="unreadLimit">multiprocessing.pipes.unread-limit: what this end's readers received is reported to the peer every quarter of it.</param>
    public PipeEndActor(PipeCredit credit, DirectChannel direct, long unreadLimit)
    {
        _credit = credit;
        _reportEvery = Math.Max(PipeCredit.ReportFloor, unreadLimit / 4);
        _direct = direct;
        _deaths = new HostDeathWatch(Context);
        Become(Pending);
    }

    private bool IsOrigin => _origin.Equals(Self);

    // Closed once every message sent before the close is here.
    private bool PeerClosed => _nextExpectedSeq >= _peerClosedAfter;

    // Made for a process that uses the end: waits for the end's state.
    private void Pending()
    {
        Receive<PipeHandover>(handover =>
        {
            TakeOver(handover);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Owner()
    {
        Receive<PipeSend>(send => Track(_direct.Send(_peer, new PipeDeliver(_nextSendSeq++, send.Data))));

        Receive<PipeDeliver>(deliver =>
        {
            if (deliver.Seq < _nextExpectedSeq) return; // already had it
            _early[deliver.Seq] = deliver.Data;
            Reassemble();
            if (PeerClosed) _credit.Break();
            Serve();
        });

        Receive<PipeRecv>(recv =>
        {
            if (_inbox.Count > 0 || PeerClosed) Answer(new Reader(Sender, recv.RequestId, recv.Peek));
            else if (recv.Wait) _readers.Add(new Reader(Sender, recv.RequestId, recv.Peek));
            else Sender.Tell(new PipeReady(recv.RequestId, false));
        });

        Receive<CancelRequest>(cancel =>
        {
            // Not found: it was answered already, and that answer settles it.
            if (_readers.RemoveAll(r => r.RequestId == cancel.RequestId && r.Sender.Equals(Sender)) > 0)
                Sender.Tell(new RequestCancelled(cancel.RequestId));
        });

        Receive<PipeConsumed>(consumed => _credit.Received(consumed.Bytes));
        Receive<PipeClose>(_ => _direct.Send(_peer, new PipePeerClosed(_nextSendSeq)));
        Receive<PipePeerClosed>(closed => PeerGone(closed.Sent));
        Receive<Terminated>(t => t.ActorRef.Equals(_peer), t =>
        {
            _deaths.Terminated(t.ActorRef);
            PeerGone(0); // what did not come is lost with it
        });
        Receive<HostGone>(host =>
        {
            if (_deaths.Gone(host).Contains(_peer)) PeerGone(0);
        });
        Receive<HostDeathWatch.AlreadyGone>(gone => gone.Actor.Equals(_peer), _ => PeerGone(0));

        Receive<PipePeerMoved>(moved =>
        {
            _deaths.Unwatch(_peer);
            _peer = moved.NewEndpoint;
            _deaths.Watch(_peer);
        });

        Receive<PipeRelocate>(relocate => HandOver(relocate.NewEndpoint, answer: ActorRefs.Nobody));

        Receive<ReturnEnd>(_ => SettleThenAnswer(Sender));
        Receive<SendsSettled>(settled =>
        {
            if (IsOrigin) settled.Answer.Tell(new PipeReturned());
            else HandOver(_origin, answer: settled.Answer);
        });
    }

    private void Forwarding(IActorRef to)
    {
        if (IsOrigin) _deaths.Watch(to);

        // The end came back (its holder ended): hold it again, and say so to whoever waits for it.
        Receive<PipeHandover>(handover =>
        {
            _deaths.Unwatch(to);
            TakeOver(handover);
            if (!Sender.IsNobody()) Sender.Tell(new PipeReturned());
        });

        Receive<PipeOwnerMoved>(moved =>
        {
            _deaths.Unwatch(to);
            Become(() => Forwarding(moved.NewOwner));
        });

        // This endpoint's process is ending but the end has moved on: nothing to give back once what it forwarded is on.
        Receive<ReturnEnd>(_ => SettleThenAnswer(Sender));
        Receive<SendsSettled>(settled => settled.Answer.Tell(new PipeReturned()));

        // The origin outlived the process that held the end: the end is gone with it.
        Receive<Terminated>(t => t.ActorRef.Equals(to), t =>
        {
            _deaths.Terminated(t.ActorRef);
            Become(Owner);
            PeerGone(0);
        });
        Receive<HostGone>(host =>
        {
            if (!_deaths.Gone(host).Contains(to)) return;
            Become(Owner);
            PeerGone(0);
        });
        Receive<HostDeathWatch.AlreadyGone>(gone => gone.Actor.Equals(to), _ =>
        {
            Become(Owner);
            PeerGone(0);
        });

        // A large message (a delivery the peer sent before it heard of the move) goes on as a transfer, from its sender.
        ReceiveAny(message => Track(_transfers.Tell(to, message, Sender)));
    }

    private void Track(Task sending)
    {
        _sending.RemoveAll(t => t.IsCompleted);
        if (!sending.IsCompleted) _sending.Add(sending);
    }

    // Its process ends once this end's large messages are all with their node (a transfer ends, done, failed or
    // stalled, within ask-timeout of its last progress): a process that sends and returns loses nothing.
    private void SettleThenAnswer(IActorRef answer) =>
        Task.WhenAll(_sending).ContinueWith(_ => new SendsSettled(answer), TaskScheduler.Default).PipeTo(Self);

    private void TakeOver(PipeHandover handover)
    {
        _peer = handover.Peer;
        _origin = handover.Origin.IsNobody() ? Self : handover.Origin;
        _nextSendSeq = handover.NextSendSeq;
        _nextExpectedSeq = handover.NextExpectedSeq;
        _peerClosedAfter = handover.PeerClosedAfter;
        _credit.Held();
        foreach (var deliver in handover.Received) _early[deliver.Seq] = deliver.Data;
        Reassemble();
        _deaths.Watch(_peer);
        _peer.Tell(new PipePeerMoved(Self));
        if (!IsOrigin) _origin.Tell(new PipeOwnerMoved(Self));
        if (PeerClosed) _credit.Break();
        Become(Owner);
        Serve();
    }

    // answer: who hears PipeReturned once the end is held again (a return waits for it, a relocation does not).
    private void HandOver(IActorRef to, IActorRef answer)
    {
        ReportReceived();
        _credit.Released();
        var received = _inbox.Select((data, i) => new PipeDeliver(_nextExpectedSeq - _inbox.Count + i, data))
            .Concat(_early.Select(e => new PipeDeliver(e.Key, e.Value))).ToList();
        _transfers
            .Tell(to, new PipeHandover(_peer, _nextSendSeq, _nextExpectedSeq - _inbox.Count, received, _peerClosedAfter, _origin), answer);
        foreach (var reader in _readers) to.Tell(new PipeRecv(reader.RequestId, true, reader.Peek), reader.Sender);
        _readers.Clear();
        _inbox.Clear();
        _early.Clear();
        Context.Unwatch(_peer);
        Become(() => Forwarding(to));
    }

    private void Reassemble()
    {
        while (_early.Remove(_nextExpectedSeq, out var data))
        {
            _inbox.Enqueue(data);
            _nextExpectedSeq++;
        }
    }

    private void PeerGone(long sent)
    {
        _peerClosedAfter = Math.Min(_peerClosedAfter, sent);
        if (PeerClosed) _credit.Break();
        Serve();
    }

    private void Serve()
    {
        while (_readers.Count > 0 && (_inbox.Count > 0 || PeerClosed))
        {
            var reader = _readers[0];
            _readers.RemoveAt(0);
            Answer(reader);
        }
    }

    private void Answer(Reader reader)
    {
        if (reader.Peek) reader.Sender.Tell(new PipeReady(reader.RequestId, true));
        else if (_inbox.Count > 0)
        {
            var data = _inbox.Dequeue();
            _transfers.Tell(reader.Sender, new PipeData(reader.RequestId, data));
            _unreported += data.LongLength;
            // Often enough that a writer never waits for long, rarely enough to cost nothing per message;
            // and once the reader has caught up, so that a writer waiting for room is always told (see PipeCredit).
            if (_unreported >= _reportEvery || (_inbox.Count == 0 && _unreported >= PipeCredit.ReportFloor)) ReportReceived();
        }
        else reader.Sender.Tell(new PipeEof(reader.RequestId));
    }

    private void ReportReceived()
    {
        if (_unreported == 0 || _peer.IsNobody()) return;
        _direct.Send(_peer, new PipeConsumed(_unreported));
        _unreported = 0;
    }

    public const string Dispatcher = "multiprocessing.pipes.dispatcher";

    public static Props Props(PipeCredit credit, DirectChannel direct, long unreadLimit) =>
        Akka.Actor.Props.Create(() => new PipeEndActor(credit, direct, unreadLimit)).WithDispatcher(Dispatcher);
}
