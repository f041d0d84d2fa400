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
internal sealed class DirectChannel : IDisposable
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
        var address = recipient.Path.Address;
        if (_enabled && NodeAddresses.IsOtherNode(_system, address)
            && _links.GetOrAdd(address, Open).TrySend(recipient.Path.ToString(), () => _payloads.Serialize(message, "direct-link message")))
        {
            Interlocked.Increment(ref _sentDirect);
            return;
        }
        // Over Akka: a large message (a pipe's 200 MiB) in chunks. It may fail only if the peer is gone,
        // which its death watch reports to the sending end anyway.
        _ = _transfers.Tell(recipient, message);
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
        public bool TrySend(string recipientPath, Func<byte[]> payload)
        {
            if (_stream is null) return false;
            var frame = DirectFrames.Encode(recipientPath, payload());
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
