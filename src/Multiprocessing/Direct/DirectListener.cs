using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Akka.Actor;
using Akka.Event;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Direct;

/// <summary>
/// The receiving side of this node's direct links. One thread, the door, accepts connections and
/// runs every plain handshake at once (it waits on all their sockets together), so a connection
/// that has not proved itself holds no thread; a TLS handshake (a keyed link from another host)
/// runs asynchronously. At most <see cref="MaximumPending"/> connections are unproven at a time (a
/// newer one closes the oldest), each for at most the handshake timeout. Only a link that proved
/// itself (<see cref="DirectHandshake"/>) gets a reader thread: it reads its frames (never on a
/// dispatcher thread) and tells each message to its local recipient.
/// </summary>
internal sealed class DirectListener : IDisposable
{
    /// <summary>Connections that have not proved themselves yet, at most.</summary>
    public const int MaximumPending = 64;

    // How often the door looks up when nothing happens: it notices its disposal then.
    private static readonly TimeSpan DoorWake = TimeSpan.FromSeconds(1);

    // Far more recipients than a node talks to at a time: clearing costs only fresh look-ups, and ended pipes' refs do not pile up.
    private const int ActorsKept = 10_000;

    private readonly ExtendedActorSystem _system;
    private readonly PayloadSerializer _payloads;
    private readonly TimeSpan _spin;
    private readonly TimeSpan _handshakeTimeout;
    private readonly DirectHandshake _handshake;
    private readonly SslServerAuthenticationOptions? _tls;
    private readonly Socket _door;
    private readonly ConcurrentDictionary<string, IActorRef> _actors = new();
    private readonly List<Pending> _pending = []; // oldest first
    private readonly List<Stream> _links = [];
    private volatile bool _disposed;

    private DirectListener(ExtendedActorSystem system, PayloadSerializer payloads, IPAddress address, MpSettings settings, ClusterCredentials? credentials)
    {
        _system = system;
        _payloads = payloads;
        _spin = settings.SpinBeforeBlocking;
        _handshakeTimeout = settings.DirectLinkHandshakeTimeout;
        _handshake = DirectHandshake.ForListener(credentials);
        _tls = credentials is null ? null : DirectTls.ServerOptions(credentials);
        _door = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _door.Bind(new IPEndPoint(address, 0));
            _door.Listen();
        }
        catch
        {
            _door.Dispose();
            throw;
        }
        new Thread(DoorLoop) { IsBackground = true, Name = "mp-direct-door" }.Start();
    }

    /// <summary>What the offer hands out: the cookie without credentials; nothing with them (the client proves the cluster's key).</summary>
    public byte[]? Cookie => _handshake.OfferedCookie;

    public int Port => ((IPEndPoint)_door.LocalEndPoint!).Port;

    /// <summary>Listens on the address remoting is bound to (loopback unless configured otherwise); null if that fails.</summary>
    public static DirectListener? TryStart(ExtendedActorSystem system, PayloadSerializer payloads, string host, MpSettings settings, ClusterCredentials? credentials)
    {
        try
        {
            var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
            return new DirectListener(system, payloads, address, settings, credentials);
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            // Not fatal: without direct links, pipes, Manager calls and large payloads all go over Akka.Remote (slower).
            system.Log.Warning("Direct links are off on this node: cannot listen on {0} ({1}).", host, e.Message);
            return null;
        }
    }

    private void DoorLoop()
    {
        var ready = new List<Socket>(MaximumPending + 1);
        while (!_disposed)
        {
            ready.Clear();
            ready.Add(_door);
            var wait = DoorWake;
            lock (_pending)
                foreach (var pending in _pending.Where(p => !p.Tls))
                {
                    ready.Add(pending.Socket);
                    if (pending.TimeLeft < wait) wait = pending.TimeLeft;
                }
            try
            {
                Socket.Select(ready, null, null, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // the door or a connection was closed under it: only disposal does that
            }
            foreach (var socket in ready)
            {
                if (socket == _door) Accept();
                else if (Find(socket) is { } pending) Continue(pending);
            }
            CloseOverdue();
        }
    }

    private void Accept()
    {
        Socket socket;
        try
        {
            socket = _door.Accept(); // ready, so it does not block
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return; // reset before it was accepted, or disposal: nothing to serve
        }
        socket.NoDelay = true;
        socket.SendTimeout = (int)_handshakeTimeout.TotalMilliseconds;
        var tls = _tls is not null && DirectTls.IsNeededFor(((IPEndPoint)socket.LocalEndPoint!).Address);
        var pending = new Pending(socket, _handshake.Listen(), _handshakeTimeout, tls);
        Pending? evicted = null;
        lock (_pending)
        {
            if (_pending.Count >= MaximumPending)
            {
                evicted = _pending[0];
                _pending.RemoveAt(0);
            }
            _pending.Add(pending);
        }
        evicted?.Socket.Dispose();
        if (tls) _ = HandshakeTlsAsync(pending);
        else if (!TrySend(socket, pending.Handshake.Greeting)) Drop(pending);
    }

    // A plain connection sent something: take what is there of its hello (never more), and check it once complete.
    private void Continue(Pending pending)
    {
        int received;
        try
        {
            received = pending.Socket.Receive(pending.Hello, pending.Received, pending.Hello.Length - pending.Received, SocketFlags.None);
        }
        catch (SocketException)
        {
            received = 0; // reset by its sender: as good as closed
        }
        if (received == 0)
        {
            Drop(pending);
            return;
        }
        pending.Received += received;
        if (pending.Received < pending.Hello.Length) return;
        Forget(pending);
        if (pending.Handshake.TryAccept(pending.Hello, out var mode, out var reply) && TrySend(pending.Socket, reply))
            Open(new NetworkStream(pending.Socket, ownsSocket: true), pending.Socket, mode, spinForCalls: true);
        else
            pending.Socket.Dispose();
    }

    private async Task HandshakeTlsAsync(Pending pending)
    {
        SslStream? stream = null;
        var opened = false;
        try
        {
            stream = new SslStream(new NetworkStream(pending.Socket, ownsSocket: true));
            using var deadline = new CancellationTokenSource(_handshakeTimeout);
            await stream.AuthenticateAsServerAsync(_tls!, deadline.Token);
            await stream.WriteAsync(pending.Handshake.Greeting, deadline.Token);
            await stream.ReadExactlyAsync(pending.Hello, deadline.Token);
            if (Forget(pending) && pending.Handshake.TryAccept(pending.Hello, out var mode, out var reply))
            {
                await stream.WriteAsync(reply, deadline.Token);
                // Socket.Available says nothing about what TLS holds decrypted: its reader does not spin on it.
                Open(stream, pending.Socket, mode, spinForCalls: false);
                opened = true;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // A stranger, a wrong certificate, the deadline, or eviction: the connection just closes.
        }
        finally
        {
            if (!opened)
            {
                Drop(pending);
                if (stream is not null) await stream.DisposeAsync();
            }
        }
    }

    private void Open(Stream stream, Socket socket, DirectFrames.Mode mode, bool spinForCalls)
    {
        socket.SendTimeout = 0; // replies may wait for a busy caller, as over Akka
        lock (_links)
        {
            if (_disposed)
            {
                stream.Dispose();
                return;
            }
            _links.Add(stream);
        }
        new Thread(() => ReadLoop(stream, socket, mode, spinForCalls)) { IsBackground = true, Name = "mp-direct-read" }.Start();
    }

    private void ReadLoop(Stream stream, Socket socket, DirectFrames.Mode mode, bool spinForCalls)
    {
        using var inline = InlineDispatcher.Allow(); // an idle recipient handles its message right here
        try
        {
            // On a calls connection the recipient's reply goes back where its caller waits.
            var sender = mode == DirectFrames.Mode.Calls ? new DirectReplyRef(stream, _payloads, _system.Provider) : ActorRefs.NoSender;
            var maximum = _payloads.DirectFrameBytes;
            while (true)
            {
                // A caller's next call often follows its reply within microseconds: catch it awake.
                // (Not on a one-way link: its reader would hold a core its process's receiver needs.)
                if (spinForCalls && !sender.IsNobody()) SpinBeforeBlocking.Until(() => socket.Available > 0, _spin);
                if (DirectFrames.ReadFrame(stream, maximum) is not { } frame) break;
                var message = _payloads.DeserializeAttaching(frame.Body, frame.Segments, "direct-link message");
                ActorAt(frame.Path).Tell(message, frame.SenderPath.Length == 0 ? sender : ActorAt(frame.SenderPath));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException or MpSerializationException
                                       or OutOfMemoryException)
        {
            // The sender is gone or spoke nonsense, or this node has no memory left for its message: drop the link;
            // the sender dials again or falls back to Akka.
        }
        finally
        {
            lock (_links) _links.Remove(stream);
            stream.Dispose();
        }
    }

    private IActorRef ActorAt(string path)
    {
        // A stopped actor's name can come back (a Manager's entity that moved away and back): look again.
#pragma warning disable CS0618 // IsTerminated: obsolete for actors (watch instead), but this reader is no actor and only needs the flag now
        if (_actors.TryGetValue(path, out var known) && !(known is IInternalActorRef { IsTerminated: true })) return known;
#pragma warning restore CS0618
        if (_actors.Count > ActorsKept) _actors.Clear(); // forget refs of ended pipes now and then
        var resolved = ActorPath.TryParse(path, out var actorPath) ? _system.Provider.ResolveActorRef(actorPath) : ActorRefs.Nobody;
        _actors[path] = resolved;
        return resolved;
    }

    private Pending? Find(Socket socket)
    {
        lock (_pending) return _pending.Find(p => p.Socket == socket);
    }

    // False when it was no longer pending (evicted, or closed by disposal).
    private bool Forget(Pending pending)
    {
        lock (_pending) return _pending.Remove(pending);
    }

    private void Drop(Pending pending)
    {
        Forget(pending);
        pending.Socket.Dispose();
    }

    private void CloseOverdue()
    {
        List<Pending> overdue;
        lock (_pending) overdue = _pending.FindAll(p => !p.Tls && p.TimeLeft <= TimeSpan.Zero);
        foreach (var pending in overdue) Drop(pending);
    }

    private static bool TrySend(Socket socket, byte[] bytes)
    {
        try
        {
            // A few dozen bytes on a fresh connection: they fit its send buffer, so this does not wait.
            socket.Send(bytes);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false; // the stranger is gone already: the caller drops the connection
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _door.Dispose();
        lock (_pending)
        {
            foreach (var pending in _pending) pending.Socket.Dispose();
            _pending.Clear();
        }
        lock (_links)
            foreach (var link in _links) link.Dispose();
    }

    /// <summary>A connection that has not proved itself yet.</summary>
    private sealed class Pending(Socket socket, DirectHandshake.Listening handshake, TimeSpan timeout, bool tls)
    {
        private readonly long _deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;

        public Socket Socket { get; } = socket;
        public DirectHandshake.Listening Handshake { get; } = handshake;
        public bool Tls { get; } = tls;
        public byte[] Hello { get; } = new byte[handshake.HelloLength];
        public int Received { get; set; }
        public TimeSpan TimeLeft => TimeSpan.FromMilliseconds(_deadline - Environment.TickCount64);
    }
}
