using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Multiprocessing.Direct;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Tests.Direct;

/// <summary>
/// A node's direct-link listener when the cluster has credentials (the default): strangers, and nodes
/// of the cluster, connect to it from this process as the network would let them.
/// </summary>
public sealed class DirectLinkSecuritySpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ClusterCredentials _credentials = ClusterCredentials.Create();
    private readonly List<ActorSystem> _receivers = [];

    public DirectLinkSecuritySpec() : base(ConfigurationFactory.ParseString(TwoSystems.Remote))
    {
    }

    protected override void AfterAll()
    {
        foreach (var receiver in _receivers) receiver.Terminate().Wait(Patience);
        base.AfterAll();
    }

    [Fact]
    public void The_offer_names_no_secret_and_only_the_clusters_key_opens_a_link()
    {
        var (offer, recipient) = StartReceiver("127.0.0.1");
        Assert.NotNull(offer.Host);
        Assert.Null(offer.Cookie);

        // Without credentials a node cannot even try; with another cluster's key it is closed before any answer.
        Assert.Null(new DirectDialer(null, Patience).Dial(offer, DirectFrames.Mode.Messages));
        var refused = Record.Exception(() => new DirectDialer(ClusterCredentials.Create(), Patience).Dial(offer, DirectFrames.Mode.Messages));
        Assert.True(refused is IOException or SocketException, $"expected the link to be closed, got {refused?.GetType().Name ?? "a link"}");

        // A forged hello (a made-up HMAC) and a frame right behind it: closed, the frame never delivered.
        using (var stranger = RawConnect(offer))
        {
            ReadExactly(stranger, 32);
            stranger.Send([(byte)DirectFrames.Mode.Messages, .. RandomNumberGenerator.GetBytes(64), .. Frame(recipient, new PipeDeliver(666, [6]))]);
            Assert.True(ClosedWithin(stranger, Patience), "the listener kept a connection whose HMAC is wrong");
        }

        // A node of the cluster: its frame is the first thing the recipient gets.
        var link = new DirectDialer(_credentials, Patience).Dial(offer, DirectFrames.Mode.Messages)!;
        using (link.Stream)
        {
            link.Stream.Write(Frame(recipient, new PipeDeliver(7, [7])));
            Assert.Equal(7, ExpectMsg<PipeDeliver>().Seq);
            ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        }
    }

    [Fact]
    public void A_connection_that_never_finishes_its_handshake_is_closed_at_the_deadline()
    {
        var (offer, _) = StartReceiver("127.0.0.1");
        using var silent = RawConnect(offer);
        using var halfway = RawConnect(offer);
        ReadExactly(silent, 32);
        ReadExactly(halfway, 32);
        halfway.Send(new byte[10]);

        var clock = Stopwatch.StartNew();
        Assert.True(ClosedWithin(silent, Patience), "a silent connection was kept past the handshake deadline");
        Assert.True(ClosedWithin(halfway, Patience), "a connection that sent half a hello was kept past the handshake deadline");
        Assert.InRange(clock.Elapsed, HandshakeTimeout / 4, HandshakeTimeout * 4); // at the deadline: not at once, not much later
    }

    [Fact]
    public async Task A_listener_that_cannot_prove_the_clusters_key_is_refused()
    {
        using var impostor = new TcpListener(IPAddress.Loopback, 0);
        impostor.Start();
        var offer = new DirectLinkOffer("127.0.0.1", ((IPEndPoint)impostor.LocalEndpoint).Port, null);
        var dial = Task.Run(() => new DirectDialer(_credentials, Patience).Dial(offer, DirectFrames.Mode.Calls));
        using var accepted = await impostor.AcceptSocketAsync().WaitAsync(Patience);
        accepted.Send(RandomNumberGenerator.GetBytes(32));
        ReadExactly(accepted, 65);
        accepted.Send(RandomNumberGenerator.GetBytes(32));
        await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Patience));
    }

    [Fact]
    public void A_link_that_leaves_the_host_runs_TLS_pinned_to_the_cluster_certificate_and_one_on_loopback_stays_plain()
    {
        var (offer, recipient) = StartReceiver(NonLoopbackAddress().ToString());

        // The listener speaks TLS first, shows the cluster's certificate, and asks for its challenge inside.
        using (var socket = RawConnect(offer))
        using (var tls = new SslStream(new NetworkStream(socket), leaveInnerStreamOpen: false))
        {
            tls.AuthenticateAsClient(TlsAs(_credentials));
            Assert.Equal(_credentials.Thumbprint, tls.RemoteCertificate!.GetCertHashString(HashAlgorithmName.SHA256));
            tls.ReadExactly(new byte[32]);
        }

        // A peer with another certificate gets nothing: the handshake fails, or the link closes unread.
        var other = ClusterCredentials.Create();
        using (var socket = RawConnect(offer))
        using (var tls = new SslStream(new NetworkStream(socket), leaveInnerStreamOpen: false))
        {
            var refused = Record.Exception(() =>
            {
                tls.AuthenticateAsClient(TlsAs(other));
                if (tls.Read(new byte[32]) == 0) throw new EndOfStreamException();
            });
            Assert.True(refused is AuthenticationException or IOException, $"a peer with another certificate was served ({refused?.GetType().Name ?? "no error"})");
        }
        Assert.ThrowsAny<Exception>(() => new DirectDialer(other, Patience).Dial(offer, DirectFrames.Mode.Messages));

        // A node of the cluster gets its link over TLS, and its frames arrive.
        var link = new DirectDialer(_credentials, Patience).Dial(offer, DirectFrames.Mode.Messages)!;
        using (link.Stream)
        {
            Assert.IsType<SslStream>(link.Stream);
            link.Stream.Write(Frame(recipient, new PipeDeliver(8, [8])));
            Assert.Equal(8, ExpectMsg<PipeDeliver>().Seq);
        }

        // On loopback the challenge comes in the clear, and a node's link is plain TCP.
        var (loopback, _) = StartReceiver("127.0.0.1");
        using (var socket = RawConnect(loopback)) ReadExactly(socket, 32);
        var plain = new DirectDialer(_credentials, Patience).Dial(loopback, DirectFrames.Mode.Messages)!;
        using (plain.Stream) Assert.IsType<NetworkStream>(plain.Stream);
    }

    // A node of the cluster bound to hostname, offering direct links, with a relay to this spec's test actor.
    private (DirectLinkOffer Offer, IActorRef Recipient) StartReceiver(string hostname)
    {
        var receiver = ActorSystem.Create("receiver", ConfigurationFactory.ParseString(TwoSystems.RemoteOn(hostname)));
        _receivers.Add(receiver);
        var settings = TwoSystems.Settings($"multiprocessing.direct-link-handshake-timeout = {HandshakeTimeout.TotalMilliseconds}ms");
        receiver.ActorOf(DirectLinkActor.Props(PayloadSerializer.Of(receiver), settings, _credentials), ActorNames.DirectLinks);
        var testActor = TestActor;
        receiver.ActorOf(Props.Create(() => new Relay(testActor)), "recipient");
        var root = new RootActorPath(((ExtendedActorSystem)receiver).Provider.DefaultAddress);
        var offer = Sys.ActorSelection(root / "user" / ActorNames.DirectLinks).Ask<DirectLinkOffer>(new DirectLinkQuery(), Patience).Result;
        return (offer, ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(root / "user" / "recipient"));
    }

    // A small frame: one piece.
    private byte[] Frame(IActorRef recipient, object message)
    {
        var (body, detached) = PayloadSerializer.Of(Sys).SerializeDetaching(message, "a test message");
        return Assert.Single(DirectFrames.Encode(recipient.Path.ToString(), "", body, detached).Pieces);
    }

    private static Socket RawConnect(DirectLinkOffer offer)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = (int)Patience.TotalMilliseconds };
        socket.Connect(offer.Host!, offer.Port);
        return socket;
    }

    private static void ReadExactly(Socket socket, int count)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        stream.ReadExactly(new byte[count]);
    }

    // True once the other side closed (end of stream or reset); false if it still had not after timeout.
    private static bool ClosedWithin(Socket socket, TimeSpan timeout)
    {
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var buffer = new byte[256];
        try
        {
            while (socket.Receive(buffer) > 0) { }
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    private static SslClientAuthenticationOptions TlsAs(ClusterCredentials credentials) => new()
    {
        TargetHost = "test",
        ClientCertificates = [credentials.Certificate],
        LocalCertificateSelectionCallback = (_, _, _, _, _) => credentials.Certificate,
        RemoteCertificateValidationCallback = (_, _, _, _) => true, // a stranger trusts anything
    };

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("This test needs a non-loopback IPv4 address on this machine (a link that leaves the host).");

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef to) => ReceiveAny(message => to.Tell(message));
    }
}
