using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Authentication;
using Akka.Actor;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// The sending side of this node's direct links. <see cref="Send"/> writes a message straight to
/// the socket of the recipient's node once a link is up, and goes over Akka meanwhile, or for good
/// when the node offers no link. A write that fails never delivers its frame whole
/// (<see cref="DirectFrames.TryWrite"/>), so resending it over Akka does not duplicate it; a link that
/// broke is dialled again at the next send, one that could not be dialled at a send <see cref="Redial.Delay"/> later. A message may overtake the ones sent over Akka before
/// the link came up, and a large message (<see cref="Transfers.PayloadTransfers"/>) the ones before it:
/// <see cref="IDirectMessage"/> receivers number their messages, and every large message is a request
/// or answer of its own or is numbered.
/// Large messages take a link of their own to each node (<see cref="TrySendLarge"/>), written only by
/// the transfer actor's thread: a small message never waits behind one, and no link's reader, which
/// may run a recipient that sends, ever waits for a large write.
/// </summary>
internal sealed class DirectChannel : Transfers.IDirectRoute, IDisposable
{
    private readonly ExtendedActorSystem _system;
    private readonly PayloadSerializer _payloads;
    private readonly DirectOffers _offers;
    private readonly DirectDialer _dialer;
    private readonly TimeSpan _askTimeout;
    private readonly bool _enabled;
    private readonly Transfers.PayloadTransfers _transfers;
    private readonly ConcurrentDictionary<(Address Node, bool Large), Link> _links = new();
    private long _sentDirect;
    private volatile bool _disposed;

    public DirectChannel(ExtendedActorSystem system, PayloadSerializer payloads, DirectOffers offers, DirectDialer dialer, TimeSpan askTimeout, bool enabled)
    {
        _system = system;
        _payloads = payloads;
        _offers = offers;
        _dialer = dialer;
        _askTimeout = askTimeout;
        _enabled = enabled;
        _transfers = Transfers.PayloadTransfers.Get(system);
    }

    /// <summary>How many messages took a direct link so far.</summary>
    public long SentDirect => Interlocked.Read(ref _sentDirect);

    /// <summary>
    /// Sends <paramref name="message"/> (from <paramref name="sender"/>, if given); the task ends once it is written or handed to Akka, or, for a large one
    /// (a pipe's 200 MiB, which goes through the transfer actor: over its own link, else in chunks over Akka),
    /// once the recipient's node has it all. That may fail only if the peer is gone, which the sending end's
    /// death watch reports anyway.
    /// </summary>
    public Task Send(IActorRef recipient, IDirectMessage message, IActorRef? sender = null) =>
        _transfers.IsLarge(message) || !TrySend((recipient.Path.Address, false), recipient, message, sender)
            ? _transfers.Tell(recipient, message, sender)
            : Task.CompletedTask;

    /// <summary>
    /// Writes a large <paramref name="message"/> from <paramref name="sender"/> to the link for large messages to
    /// <paramref name="recipient"/>'s node, on this thread (the transfer actor's); false when that link is not up or
    /// the message is over what the far node reads (nothing was sent). Its payload goes from its own arrays, uncopied.
    /// </summary>
    public bool TrySendLarge(IActorRef recipient, object message, IActorRef? sender) =>
        TrySend((recipient.Path.Address, true), recipient, message, sender);

    private bool TrySend((Address Node, bool Large) key, IActorRef recipient, object message, IActorRef? sender)
    {
        if (!_enabled || _disposed || !NodeAddresses.IsOtherNode(_system, key.Node)) return false;
        if (!_links.TryGetValue(key, out var link)) link = Open(key);
        switch (link.TrySend(() => Frame(recipient, message, sender), _payloads.DirectFrameBytes))
        {
            case Link.Outcome.Sent:
                Interlocked.Increment(ref _sentDirect);
                return true;
            case Link.Outcome.Broke:
                _links.TryRemove(new KeyValuePair<(Address, bool), Link>(key, link)); // dialled again at the next send
                return false;
            default:
                return false;
        }
    }

    private DirectFrames.Frame Frame(IActorRef recipient, object message, IActorRef? sender) =>
        // With this node's address, as remoting writes them, so that the references it holds (its sender's too) resolve on the far node.
        Akka.Serialization.Serialization.WithTransport(_system, () =>
        {
            var (body, detached) = _payloads.SerializeDetaching(message, "direct-link message");
            var senderPath = sender is null || sender.IsNobody() ? "" : Akka.Serialization.Serialization.SerializedActorPath(sender);
            return DirectFrames.Encode(recipient.Path.ToString(), senderPath, body, detached);
        });

    // Dials only for the link that made it into the table: one that lost a race to another sender would leave a
    // socket nobody closes.
    private Link Open((Address Node, bool Large) key)
    {
        var fresh = new Link();
        var link = _links.GetOrAdd(key, fresh);
        if (ReferenceEquals(link, fresh)) _ = ConnectAsync(key, fresh);
        return link;
    }

    private async Task ConnectAsync((Address Node, bool Large) key, Link link)
    {
        try
        {
            var offer = await _offers.GetAsync(key.Node) ?? throw new SocketException((int)SocketError.ConnectionRefused);
            var connected = await _dialer.DialAsync(offer, DirectFrames.Mode.Messages, _askTimeout) ?? throw new SocketException((int)SocketError.ConnectionRefused);
            // A write the peer takes nothing of for that long breaks the link (a cut network would hold it for minutes);
            // the next send dials again.
            connected.Socket.SendTimeout = (int)_askTimeout.TotalMilliseconds;
            link.Connected(connected.Stream);
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // No link to that node now (it offers none, is gone, or refused us): its messages take Akka.Remote, and a
            // send after Redial.Delay dials again. Not worth a log line: a node without direct links works, only slower.
            link.Fail();
            Redial.ForgetLater(_links, key, link);
        }
    }

    public void Dispose()
    {
        _disposed = true; // no send dials again, once a failed link has left the table
        foreach (var link in _links.Values) link.Fail();
    }

    private sealed class Link
    {
        public enum Outcome
        {
            Sent,

            /// <summary>Not sent: the link is not up (yet, or ever), or the message is over what the far node reads.</summary>
            NotSent,

            /// <summary>Not sent: the link broke (now or before).</summary>
            Broke,
        }

        private readonly object _gate = new();
        private Stream? _stream;
        private bool _failed;

        public void Connected(Stream stream)
        {
            lock (_gate)
            {
                if (_failed) stream.Dispose();
                else _stream = stream;
            }
        }

        public Outcome TrySend(Func<DirectFrames.Frame> encode, long maximumFrame)
        {
            if (_stream is null) return Outcome.NotSent;
            var frame = encode();
            if (frame.Length > maximumFrame) return Outcome.NotSent; // in chunks, the far node refuses it with a reason
            lock (_gate)
            {
                if (_stream is null) return _failed ? Outcome.Broke : Outcome.NotSent;
                if (DirectFrames.TryWrite(_stream, frame)) return Outcome.Sent;
                FailLocked();
                return Outcome.Broke;
            }
        }

        public void Fail()
        {
            lock (_gate) FailLocked();
        }

        private void FailLocked()
        {
            _failed = true;
            _stream?.Dispose();
            _stream = null;
        }
    }
}
