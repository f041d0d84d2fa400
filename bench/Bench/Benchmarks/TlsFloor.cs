using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// What TLS costs on this machine below Akka: a sequential round trip of a 200-byte message
/// between two .NET SslStreams on loopback (mutually authenticated with an ECDSA P-256
/// certificate, as the cluster's), against the same over plain TCP. The remote echo's TLS
/// overhead cannot be smaller than this one's.
/// </summary>
public static class TlsFloor
{
    private const int MessageBytes = 200;
    private const int WarmUp = 2_000;
    private const int N = 10_000;

    /// <summary>Microseconds per round trip, over TLS or plain TCP.</summary>
    public static async Task<double> RoundTripAsync(bool tls)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient { NoDelay = true };
        var connecting = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        server.NoDelay = true;
        await connecting;
        Stream caller = client.GetStream(), echo = server.GetStream();
        if (tls) (caller, echo) = await SecureAsync(caller, echo);
        var echoing = EchoAsync(echo);
        var message = new byte[MessageBytes];
        var reply = new byte[MessageBytes];
        for (var i = 0; i < WarmUp; i++) await RoundTripAsync(caller, message, reply);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < N; i++) await RoundTripAsync(caller, message, reply);
        var us = watch.Elapsed.TotalMicroseconds / N;
        await caller.DisposeAsync(); // the echo reads its end
        await echoing;
        await echo.DisposeAsync();
        return us;
    }

    private static async Task RoundTripAsync(Stream stream, byte[] message, byte[] reply)
    {
        await stream.WriteAsync(message);
        await stream.ReadExactlyAsync(reply);
    }

    private static async Task EchoAsync(Stream stream)
    {
        var buffer = new byte[MessageBytes];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) await stream.WriteAsync(buffer.AsMemory(0, read));
    }

    private static async Task<(Stream Caller, Stream Echo)> SecureAsync(Stream caller, Stream echo)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = new CertificateRequest("CN=tls-floor", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
        var secureCaller = new SslStream(caller);
        var secureEcho = new SslStream(echo);
        var serving = secureEcho.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = (_, peer, _, _) => peer is not null,
        });
        await secureCaller.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "tls-floor",
            ClientCertificates = [certificate],
            RemoteCertificateValidationCallback = (_, peer, _, _) => peer is not null,
        });
        await serving;
        return (secureCaller, secureEcho);
    }
}
