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
/// concurrent caller. The first calls to a node go over Akka while its offer is fetched. A node
/// found lost (unreachable or downed) releases the callers waiting on it with <see cref="MpRemoteGoneException"/>:
/// a cut network leaves a socket open, and its reply would not come before ask-timeout.
/// </summary>
internal sealed class DirectCalls : IDisposable
{
    private const string Recipient = "The recipient of this call";

    private readonly ExtendedActorSystem _system;
    private readonly PayloadSerializer _payloads;
    private readonly DirectOffers _offers;
    private readonly DirectDialer _dialer;
    private readonly MpSettings _settings;
    private readonly NodeReachability _nodes;

    // Per node, and apart for blocking and awaiting callers: once a .NET socket has been used
    // asynchronously, its blocking reads go through the runtime's event thread (one more hand-off).
    private readonly ConcurrentDictionary<(Address Node, bool Awaited), ConcurrentBag<Connection>> _idle = new();

    // Connections with a call on its way (guarded by itself): the ones a lost node releases.
    private readonly HashSet<Connection> _busy = [];
    private volatile bool _disposed;
    private long _answered;

    public DirectCalls(ExtendedActorSystem system, PayloadSerializer payloads, DirectOffers offers, DirectDialer dialer, MpSettings settings, NodeReachability nodes)
    {
        _system = system;
        _payloads = payloads;
        _offers = offers;
        _dialer = dialer;
        _settings = settings;
        _nodes = nodes;
        nodes.Lost += Release;
    }

    /// <summary>
    /// What a call returns when its link broke after the call was written: it may have run. Only a
    /// caller whose recipient runs each request once (a Manager's object) may send it again.
    /// </summary>
    public static readonly object LinkBroke = new();

    /// <summary>How many calls were answered over a direct link so far.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="recipient"/> and returns its reply; null when
    /// no link is up to that node (nothing was sent: go over Akka); <see cref="DirectCallUndelivered"/>
    /// when the recipient is gone (go the usual way, which knows where the recipient went);
    /// <see cref="LinkBroke"/> when the link broke before the reply. Throws <see cref="TimeoutException"/> after ask-timeout, and
    /// <see cref="MpRemoteGoneException"/> when the recipient's node is lost (before or during the call).
    /// This thread waits for the reply, spinning a moment first.
    /// </summary>
    public object? TryCall(IActorRef recipient, object request, string what)
    {
        if (Begin(recipient, request, what, awaited: false) is not var (pool, connection)) return null;
        byte[]? reply;
        try
        {
            SpinBeforeBlocking.Until(() => connection.Available, _settings.SpinBeforeBlocking);
            reply = connection.Read(MaximumReply);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut } && connection.Released is null)
        {
            throw TimedOut(connection, recipient, what);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            reply = null; // the link broke: End says so to the caller (the call may have run)
        }
        return End(pool, connection, reply, what);
    }

    /// <summary><see cref="TryCall"/> without holding a thread while the reply is on its way (a batch of async calls).</summary>
    public async Task<object?> TryCallAsync(IActorRef recipient, object request, string what)
    {
        if (Begin(recipient, request, what, awaited: true) is not var (pool, connection)) return null;
        byte[]? reply;
        using var timeout = new CancellationTokenSource(_settings.AskTimeout);
        try
        {
            reply = await connection.ReadAsync(MaximumReply, timeout.Token);
        }
        catch (OperationCanceledException) when (connection.Released is null)
        {
            throw TimedOut(connection, recipient, what);
        }
        catch (OperationCanceledException)
        {
            reply = null; // released: End says why
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            reply = null; // the link broke: End says so to the caller (the call may have run)
        }
        return End(pool, connection, reply, what);
    }

    /// <summary>Asks for the offer of <paramref name="recipient"/>'s node now, so that calls to it need not start over Akka.</summary>
    public void Prepare(IActorRef recipient)
    {
        var address = recipient.Path.Address;
        if (Linkable(address)) _ = _offers.GetAsync(address);
    }

    private bool Linkable(Address address) => _settings.DirectLinks && NodeAddresses.IsOtherNode(_system, address);

    private long MaximumReply => _payloads.DirectFrameBytes;

    // Writes the call on an idle connection to the recipient's node; null when there is none or the write failed (nothing sent).
    private ((Address, bool) Pool, Connection)? Begin(IActorRef recipient, object request, string what, bool awaited)
    {
        var address = recipient.Path.Address;
        if (_disposed || !Linkable(address)) return null;
        var pool = (address, awaited);
        if (Take(pool) is not { } connection) return null;
        lock (_busy) _busy.Add(connection);
        // Checked once busy: a node lost from now on releases this connection (see Release).
        if (_nodes.Gone(address, Recipient) is { } gone)
        {
            Idle(connection);
            connection.Dispose();
            throw gone;
        }
        var (body, detached) = _payloads.SerializeDetaching(request, what);
        var frame = DirectFrames.Encode(recipient.Path.ToString(), "", body, detached); // the reply comes back on this connection
        if (connection.TryWrite(frame)) return (pool, connection);
        Idle(connection);
        return null;
    }

    private object End((Address, bool) pool, Connection connection, byte[]? reply, string what)
    {
        Idle(connection);
        if (reply is null)
        {
            if (connection.Released is { } gone) throw gone;
            connection.Dispose();
            return LinkBroke;
        }
        if (connection.Released is null) Give(pool, connection);
        var answer = _payloads.Deserialize(reply, what);
        if (answer is not DirectCallUndelivered) Interlocked.Increment(ref _answered);
        return answer;
    }

    private TimeoutException TimedOut(Connection connection, IActorRef recipient, string what)
    {
        Idle(connection);
        connection.Dispose(); // its late reply must not answer the next call
        return new TimeoutException($"{recipient.Path} did not answer {what} within {_settings.AskTimeout} (multiprocessing.ask-timeout).");
    }

    private void Idle(Connection connection)
    {
        lock (_busy) _busy.Remove(connection);
    }

    // A node was found lost: calls waiting on it end with the reason, and its idle connections close.
    private void Release(Address node)
    {
        foreach (var awaited in new[] { false, true })
            if (_idle.TryRemove((node, awaited), out var idle))
                while (idle.TryTake(out var connection)) connection.Dispose();
        List<Connection> waiting;
        lock (_busy) waiting = [.. _busy.Where(c => c.Node.Equals(node))];
        foreach (var connection in waiting)
            connection.Release(_nodes.Gone(node, Recipient) ?? new MpRemoteGoneException($"{Recipient} is on {_nodes.Describe(node)}, which was lost."));
    }

    private Connection? Take((Address Node, bool Awaited) pool)
    {
        if (_idle.TryGetValue(pool, out var idle) && idle.TryTake(out var pooled)) return pooled;
        if (_offers.TryGet(pool.Node) is not { } offer) return null;
        try
        {
            return _dialer.Dial(offer, DirectFrames.Mode.Calls) is { } link ? new Connection(pool.Node, link, _settings.AskTimeout) : null;
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
        private volatile MpRemoteGoneException? _released;

        public Connection(Address node, DirectDialer.Link link, TimeSpan askTimeout)
        {
            Node = node;
            (_socket, _stream) = link;
            _socket.ReceiveTimeout = (int)askTimeout.TotalMilliseconds; // a reply later than that times the call out
        }

        public Address Node { get; }

        public bool Available => _socket.Available > 0;

        /// <summary>Why the call on its way was given up (its node is lost); null otherwise.</summary>
        public MpRemoteGoneException? Released => _released;

        public bool TryWrite(DirectFrames.Frame frame)
        {
            if (DirectFrames.TryWrite(_stream, frame)) return true;
            Dispose();
            return false;
        }

        public byte[]? Read(long maximum) => DirectFrames.ReadBlock(_stream, maximum);

        public Task<byte[]?> ReadAsync(long maximum, CancellationToken cancellationToken) => DirectFrames.ReadBlockAsync(_stream, maximum, cancellationToken);

        /// <summary>Ends the call on its way: the reader wakes (shutting the socket down wakes a blocked receive; closing it alone may not).</summary>
        public void Release(MpRemoteGoneException why)
        {
            _released = why;
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed already: its reader has woken.
            }
            Dispose();
        }

        public void Dispose() => _stream.Dispose();
    }
}
