using System.Collections.Concurrent;
using System.Net.Sockets;
using Akka.Actor;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// Request/reply over direct links, for callers that block on each reply (a Manager proxy's
/// one-at-a-time operations, as Python's proxies make them). The calling thread writes the request
/// on a connection of its own and reads the reply from it, as Python's proxy does on its socket:
/// no thread of this process stands between the two. Connections are pooled per node, one per
/// concurrent caller. The first calls to a node go over Akka while its offer is fetched.
/// </summary>
internal sealed class DirectCalls(ExtendedActorSystem system, PayloadSerializer payloads, DirectOffers offers, MpSettings settings) : IDisposable
{
    private readonly ConcurrentDictionary<Address, ConcurrentBag<Connection>> _idle = new();
    private volatile bool _disposed;
    private long _answered;

    /// <summary>How many calls were answered over a direct link so far.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="recipient"/> and returns its reply; null when
    /// no link is up to that node (nothing was sent: go over Akka); <see cref="DirectCallUndelivered"/>
    /// when the recipient is gone or the link broke before the reply (go the usual way, which knows
    /// where the recipient went). Throws <see cref="TimeoutException"/> after ask-timeout.
    /// </summary>
    public object? TryCall(IActorRef recipient, object request, string what)
    {
        var address = recipient.Path.Address;
        if (_disposed || !settings.DirectLinks || !address.HasGlobalScope || address.Equals(system.Provider.DefaultAddress)) return null;
        var connection = Take(address);
        if (connection is null) return null;
        var frame = DirectFrames.Encode(recipient.Path.ToString(), payloads.Serialize(request, what));
        if (!connection.TryWrite(frame))
            return null;
        byte[]? reply;
        try
        {
            SpinBeforeBlocking.Until(() => connection.Available, settings.SpinBeforeBlocking);
            reply = connection.Read(payloads.MaximumPayloadSize + 64 * 1024);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            connection.Dispose(); // its late reply must not answer the next call
            throw new TimeoutException($"{recipient.Path} did not answer {what} within {settings.AskTimeout} (multiprocessing.ask-timeout).");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            reply = null;
        }
        if (reply is null)
        {
            connection.Dispose();
            return DirectCallUndelivered.Instance;
        }
        Give(address, connection);
        var answer = payloads.Deserialize(reply, what);
        if (answer is not DirectCallUndelivered) Interlocked.Increment(ref _answered);
        return answer;
    }

    private Connection? Take(Address address)
    {
        if (_idle.TryGetValue(address, out var idle) && idle.TryTake(out var pooled)) return pooled;
        if (offers.TryGet(address) is not { } offer) return null;
        try
        {
            return Connection.Open(offer, settings.AskTimeout);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return null;
        }
    }

    private void Give(Address address, Connection connection)
    {
        _idle.GetOrAdd(address, _ => []).Add(connection);
        if (_disposed) Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var idle in _idle.Values)
            while (idle.TryTake(out var connection)) connection.Dispose();
    }

    private sealed class Connection(Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);

        public bool Available => socket.Available > 0;

        public static Connection Open(DirectLinkOffer offer, TimeSpan timeout)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = (int)timeout.TotalMilliseconds };
            try
            {
                socket.Connect(offer.Host!, offer.Port);
                socket.Send(DirectFrames.EncodeHello(offer.Cookie, DirectFrames.Mode.Calls));
                return new Connection(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public bool TryWrite(byte[] frame)
        {
            try
            {
                _stream.Write(frame);
                return true;
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                Dispose();
                return false;
            }
        }

        public byte[]? Read(long maximum) => DirectFrames.ReadBlock(_stream, maximum);

        public void Dispose() => _stream.Dispose();
    }
}
