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
/// when the node offers no link or the link broke. A write that fails never delivers its frame
/// whole (<see cref="DirectFrames.TryWrite"/>), so resending it over Akka does not duplicate it; but
/// a message may overtake the ones sent over Akka before the link came up:
/// <see cref="IDirectMessage"/> receivers number their messages.
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
    private readonly ConcurrentDictionary<Address, Link> _links = new();
    private long _sentDirect;

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

    public void Send(IActorRef recipient, IDirectMessage message)
    {
        if (TrySend(recipient, message)) return;
        // Over Akka: a large message (a pipe's 200 MiB) in chunks. It may fail only if the peer is gone,
        // which its death watch reports to the sending end anyway.
        _ = _transfers.Tell(recipient, message);
    }

    /// <summary>
    /// Writes <paramref name="message"/> from <paramref name="sender"/> to the link to <paramref name="recipient"/>'s
    /// node, on this thread; false when no link is up (nothing was sent). Its detached payload goes from its own
    /// arrays, uncopied.
    /// </summary>
    public bool TrySend(IActorRef recipient, object message, IActorRef? sender = null)
    {
        var address = recipient.Path.Address;
        if (!_enabled || !NodeAddresses.IsOtherNode(_system, address)
            || !_links.GetOrAdd(address, Open).TrySend(() => Frame(recipient, message, sender))) return false;
        Interlocked.Increment(ref _sentDirect);
        return true;
    }

    private DirectFrames.Frame Frame(IActorRef recipient, object message, IActorRef? sender)
    {
        var (body, detached) = _payloads.SerializeDetaching(message, "direct-link message");
        // With this node's address, as remoting writes it, so that the far node can answer it.
        var senderPath = sender is null || sender.IsNobody() ? "" : Akka.Serialization.Serialization.WithTransport(_system, () => Akka.Serialization.Serialization.SerializedActorPath(sender));
        return DirectFrames.Encode(recipient.Path.ToString(), senderPath, body, detached);
    }

    private Link Open(Address address)
    {
        var link = new Link();
        _ = ConnectAsync(address, link);
        return link;
    }

    private async Task ConnectAsync(Address address, Link link)
    {
        try
        {
            var offer = await _offers.GetAsync(address) ?? throw new SocketException((int)SocketError.ConnectionRefused);
            var connected = await _dialer.DialAsync(offer, DirectFrames.Mode.Messages, _askTimeout) ?? throw new SocketException((int)SocketError.ConnectionRefused);
            // A write that the peer does not take for that long breaks the link (a cut network would hold it for minutes).
            connected.Socket.SendTimeout = (int)_askTimeout.TotalMilliseconds;
            link.Connected(connected.Stream);
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            link.Fail();
        }
    }

    public void Dispose()
    {
        foreach (var link in _links.Values) link.Fail();
    }

    private sealed class Link
    {
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

        /// <summary>False when the message must go over Akka: the link is not up (yet), or it just broke.</summary>
        public bool TrySend(Func<DirectFrames.Frame> encode)
        {
            if (_stream is null) return false;
            var frame = encode();
            lock (_gate)
            {
                if (_stream is null) return false;
                if (DirectFrames.TryWrite(_stream, frame)) return true;
                FailLocked();
                return false;
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
