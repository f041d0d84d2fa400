using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Authentication;
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
internal sealed class DirectCalls(ExtendedActorSystem system, PayloadSerializer payloads, DirectOffers offers, DirectDialer dialer, MpSettings settings) : IDisposable
{
    // Per node, and apart for blocking and awaiting callers: once a .NET socket has been used
    // asynchronously, its blocking reads go through the runtime's event thread (one more hand-off).
    private readonly ConcurrentDictionary<(Address Node, bool Awaited), ConcurrentBag<Connection>> _idle = new();
    private volatile bool _disposed;
    private long _answered;

    /// <summary>How many calls were answered over a direct link so far.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="recipient"/> and returns its reply; null when
    /// no link is up to that node (nothing was sent: go over Akka); <see cref="DirectCallUndelivered"/>
    /// when the recipient is gone or the link broke before the reply (go the usual way, which knows
    /// where the recipient went). Throws <see cref="TimeoutException"/> after ask-timeout.
    /// This thread waits for the reply, spinning a moment first.
    /// </summary>
    public object? TryCall(IActorRef recipient, object request, string what)
    {
        if (Begin(recipient, request, what, awaited: false) is not var (pool, connection)) return null;
        byte[]? reply;
        try
        {
            SpinBeforeBlocking.Until(() => connection.Available, settings.SpinBeforeBlocking);
            reply = connection.Read(MaximumReply);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            throw TimedOut(connection, recipient, what);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            reply = null;
        }
        return End(pool, connection, reply, what);
    }

    /// <summary><see cref="TryCall"/> without holding a thread while the reply is on its way (a batch of async calls).</summary>
    public async Task<object?> TryCallAsync(IActorRef recipient, object request, string what)
    {
        if (Begin(recipient, request, what, awaited: true) is not var (pool, connection)) return null;
        byte[]? reply;
        using var timeout = new CancellationTokenSource(settings.AskTimeout);
        try
        {
            reply = await connection.ReadAsync(MaximumReply, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw TimedOut(connection, recipient, what);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            reply = null;
        }
        return End(pool, connection, reply, what);
    }

    /// <summary>Asks for the offer of <paramref name="recipient"/>'s node now, so that calls to it need not start over Akka.</summary>
    public void Prepare(IActorRef recipient)
    {
        var address = recipient.Path.Address;
        if (Linkable(address)) _ = offers.GetAsync(address);
    }

    private bool Linkable(Address address) => settings.DirectLinks && NodeAddresses.IsOtherNode(system, address);

    private long MaximumReply => payloads.MaximumPayloadSize + 64 * 1024;

    // Writes the call on an idle connection to the recipient's node; null when there is none or the write failed (nothing sent).
    private ((Address, bool) Pool, Connection)? Begin(IActorRef recipient, object request, string what, bool awaited)
    {
        var address = recipient.Path.Address;
        if (_disposed || !Linkable(address)) return null;
        var pool = (address, awaited);
        if (Take(pool) is not { } connection) return null;
        var frame = DirectFrames.Encode(recipient.Path.ToString(), payloads.Serialize(request, what));
        return connection.TryWrite(frame) ? (pool, connection) : null;
    }

    private object End((Address, bool) pool, Connection connection, byte[]? reply, string what)
    {
        if (reply is null)
        {
            connection.Dispose();
            return DirectCallUndelivered.Instance;
        }
        Give(pool, connection);
        var answer = payloads.Deserialize(reply, what);
        if (answer is not DirectCallUndelivered) Interlocked.Increment(ref _answered);
        return answer;
    }

    private TimeoutException TimedOut(Connection connection, IActorRef recipient, string what)
    {
        connection.Dispose(); // its late reply must not answer the next call
        return new TimeoutException($"{recipient.Path} did not answer {what} within {settings.AskTimeout} (multiprocessing.ask-timeout).");
    }

    private Connection? Take((Address Node, bool Awaited) pool)
    {
        if (_idle.TryGetValue(pool, out var idle) && idle.TryTake(out var pooled)) return pooled;
        if (offers.TryGet(pool.Node) is not { } offer) return null;
        try
        {
            return dialer.Dial(offer, DirectFrames.Mode.Calls) is { } link ? new Connection(link, settings.AskTimeout) : null;
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException) // refused, unreachable, timed out, not the cluster's: go over Akka
        {
            return null;
        }
    }

    private void Give((Address, bool) pool, Connection connection)
    {
        _idle.GetOrAdd(pool, _ => []).Add(connection);
        if (_disposed) Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var idle in _idle.Values)
            while (idle.TryTake(out var connection)) connection.Dispose();
    }

    private sealed class Connection : IDisposable
    {
        private readonly Socket _socket;
        private readonly Stream _stream;

        public Connection(DirectDialer.Link link, TimeSpan askTimeout)
        {
            (_socket, _stream) = link;
            _socket.ReceiveTimeout = (int)askTimeout.TotalMilliseconds; // a reply later than that times the call out
        }

        public bool Available => _socket.Available > 0;

        public bool TryWrite(byte[] frame)
        {
            if (DirectFrames.TryWrite(_stream, frame)) return true;
            Dispose();
            return false;
        }

        public byte[]? Read(long maximum) => DirectFrames.ReadBlock(_stream, maximum);

        public Task<byte[]?> ReadAsync(long maximum, CancellationToken cancellationToken) => DirectFrames.ReadBlockAsync(_stream, maximum, cancellationToken);

        public void Dispose() => _stream.Dispose();
    }
}
