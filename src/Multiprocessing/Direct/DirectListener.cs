using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// The receiving side of this node's direct links: accepts connections from nodes that were
/// given the cookie over Akka, reads their frames on a thread of their own (never a dispatcher
/// thread) and tells each message to its local recipient.
/// </summary>
internal sealed class DirectListener : IDisposable
{
    private readonly ExtendedActorSystem _system;
    private readonly PayloadSerializer _payloads;
    private readonly TimeSpan _spin;
    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<string, IActorRef> _recipients = new();
    private readonly List<Socket> _connections = [];
    private volatile bool _disposed;

    private DirectListener(ExtendedActorSystem system, PayloadSerializer payloads, IPAddress address, TimeSpan spin)
    {
        _system = system;
        _payloads = payloads;
        _spin = spin;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        new Thread(AcceptLoop) { IsBackground = true, Name = "mp-direct-accept" }.Start();
    }

    public byte[] Cookie { get; } = RandomNumberGenerator.GetBytes(16);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Listens on the address remoting is bound to (loopback unless configured otherwise); null if that fails.</summary>
    public static DirectListener? TryStart(ExtendedActorSystem system, PayloadSerializer payloads, string host, TimeSpan spin)
    {
        try
        {
            var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
            return new DirectListener(system, payloads, address, spin);
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            return null;
        }
    }

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            Socket socket;
            try
            {
                socket = _listener.AcceptSocket();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            socket.NoDelay = true;
            lock (_connections) _connections.Add(socket);
            new Thread(() => ReadLoop(socket)) { IsBackground = true, Name = "mp-direct-read" }.Start();
        }
    }

    private void ReadLoop(Socket socket)
    {
        using var inline = InlineDispatcher.Allow(); // an idle recipient handles its message right here
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var hello = DirectFrames.ReadBlock(stream, Cookie.Length + 1);
            if (hello is null || hello.Length != Cookie.Length + 1 || !CryptographicOperations.FixedTimeEquals(hello.AsSpan(0, Cookie.Length), Cookie)) return;
            // On a calls connection the recipient's reply goes back where its caller waits.
            var sender = (DirectFrames.Mode)hello[^1] == DirectFrames.Mode.Calls
                ? new DirectReplyRef(stream, _payloads, _system.Provider)
                : ActorRefs.NoSender;
            var maximum = _payloads.MaximumPayloadSize + 64 * 1024;
            while (true)
            {
                // A caller's next call often follows its reply within microseconds: catch it awake.
                // (Not on a one-way link: its reader would hold a core its process's receiver needs.)
                if (!sender.IsNobody()) SpinBeforeBlocking.Until(() => socket.Available > 0, _spin);
                if (DirectFrames.ReadBlock(stream, maximum) is not { } block) break;
                var (path, payload) = DirectFrames.Decode(block);
                var message = _payloads.Deserialize(payload, "direct-link message");
                Recipient(path).Tell(message, sender);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException or MpSerializationException)
        {
            // The sender is gone or spoke nonsense: drop the link; it falls back to Akka.
        }
        finally
        {
            lock (_connections) _connections.Remove(socket);
        }
    }

    private IActorRef Recipient(string path)
    {
        // A stopped actor's name can come back (a Manager's entity that moved away and back): look again.
#pragma warning disable CS0618 // IsTerminated: obsolete for actors (watch instead), but this reader is no actor and only needs the flag now
        if (_recipients.TryGetValue(path, out var known) && !(known is IInternalActorRef { IsTerminated: true })) return known;
#pragma warning restore CS0618
        if (_recipients.Count > 10_000) _recipients.Clear(); // forget refs of ended pipes now and then
        var resolved = ActorPath.TryParse(path, out var actorPath) ? _system.Provider.ResolveActorRef(actorPath) : ActorRefs.Nobody;
        _recipients[path] = resolved;
        return resolved;
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Stop();
        lock (_connections)
            foreach (var socket in _connections) socket.Dispose();
    }
}
