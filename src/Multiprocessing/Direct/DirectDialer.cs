using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Security;

namespace Multiprocessing.Direct;

/// <summary>
/// The calling side of direct links: connects to a node's offer, over TLS when the link is keyed
/// and leaves the host (<see cref="DirectTls"/>), and runs the handshake (<see cref="DirectHandshake"/>)
/// within multiprocessing.direct-link-handshake-timeout. A listener that does not prove the
/// cluster's key is refused with <see cref="AuthenticationException"/>.
/// </summary>
internal sealed class DirectDialer(ClusterCredentials? credentials, TimeSpan handshakeTimeout)
{
    /// <summary>A link that proved itself both ways. Disposing <see cref="Stream"/> closes <see cref="Socket"/>.</summary>
    public sealed record Link(Socket Socket, Stream Stream);

    /// <summary>
    /// Connects with plain blocking calls (a socket that ever went through .NET's async engine reads
    /// ~10 us slower for good: see <see cref="DirectCalls"/>); null when this node cannot prove what the
    /// listener asks (it wants the cluster's key and this node has none). Throws <see cref="SocketException"/>,
    /// <see cref="IOException"/> or <see cref="AuthenticationException"/> when the link does not come up.
    /// </summary>
    public Link? Dial(DirectLinkOffer offer, DirectFrames.Mode mode)
    {
        if (DirectHandshake.ForClient(offer, credentials) is not { } scheme) return null;
        var timeout = (int)handshakeTimeout.TotalMilliseconds;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = timeout, SendTimeout = timeout };
        Stream? stream = null;
        try
        {
            // The node has just answered over Akka, so it is reachable; the OS bounds a connect that hangs.
            socket.Connect(offer.Host!, offer.Port);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (NeedsTls(scheme, socket))
            {
                var tls = new SslStream(stream);
                stream = tls;
                tls.AuthenticateAsClient(DirectTls.ClientOptions(credentials!));
            }
            var call = scheme.Call(mode);
            var challenge = new byte[call.ChallengeLength];
            stream.ReadExactly(challenge);
            stream.Write(call.Hello(challenge));
            var proof = new byte[call.ProofLength];
            stream.ReadExactly(proof);
            if (!call.Verify(proof)) throw Impostor(offer);
            socket.ReceiveTimeout = socket.SendTimeout = 0;
            return new Link(socket, stream);
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary><see cref="Dial"/>, awaited; the connect is bounded by <paramref name="connectTimeout"/>.</summary>
    public async Task<Link?> DialAsync(DirectLinkOffer offer, DirectFrames.Mode mode, TimeSpan connectTimeout)
    {
        if (DirectHandshake.ForClient(offer, credentials) is not { } scheme) return null;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var connecting = new CancellationTokenSource(connectTimeout))
                await socket.ConnectAsync(offer.Host!, offer.Port, connecting.Token);
            using var deadline = new CancellationTokenSource(handshakeTimeout);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (NeedsTls(scheme, socket))
            {
                var tls = new SslStream(stream);
                stream = tls;
                await tls.AuthenticateAsClientAsync(DirectTls.ClientOptions(credentials!), deadline.Token);
            }
            var call = scheme.Call(mode);
            var challenge = new byte[call.ChallengeLength];
            await stream.ReadExactlyAsync(challenge, deadline.Token);
            await stream.WriteAsync(call.Hello(challenge), deadline.Token);
            var proof = new byte[call.ProofLength];
            await stream.ReadExactlyAsync(proof, deadline.Token);
            if (!call.Verify(proof)) throw Impostor(offer);
            return new Link(socket, stream);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }

    private static bool NeedsTls(DirectHandshake scheme, Socket socket) =>
        scheme.Keyed && DirectTls.IsNeededFor(((IPEndPoint)socket.RemoteEndPoint!).Address);

    private static AuthenticationException Impostor(DirectLinkOffer offer) =>
        new($"The direct-link listener at {offer.Host}:{offer.Port} did not prove the cluster's key.");
}
