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
    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<string, IActorRef> _recipients = new();
    private readonly List<Socket> _connections = [];
    private volatile bool _disposed;

    private DirectListener(ExtendedActorSystem system, PayloadSerializer payloads, IPAddress address)
    {
        _system = system;
        _payloads = payloads;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        new Thread(AcceptLoop) { IsBackground = true, Name = "mp-direct-accept" }.Start();
    }

    public byte[] Cookie { get; } = RandomNumberGenerator.GetBytes(16);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Listens on the address remoting is bound to (loopback unless configured otherwise); null if that fails.</summary>
    public static DirectListener? TryStart(ExtendedActorSystem system, PayloadSerializer payloads, string host)
    {
        try
        {
            var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
            return new DirectListener(system, payloads, address);
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
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var cookie = DirectFrames.ReadBlock(stream, Cookie.Length);
            if (cookie is null || !CryptographicOperations.FixedTimeEquals(cookie, Cookie)) return;
            var maximum = _payloads.MaximumPayloadSize + 64 * 1024;
            while (DirectFrames.ReadBlock(stream, maximum) is { } block)
            {
                var (path, payload) = DirectFrames.Decode(block);
                var message = _payloads.Deserialize(payload, "direct-link message");
                Recipient(path).Tell(message, ActorRefs.NoSender);
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
        if (_recipients.TryGetValue(path, out var known)) return known; // actor names are never reused within a system
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
