using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Multiprocessing.Security;

namespace Multiprocessing.Direct;

/// <summary>
/// TLS of the keyed direct links that leave the host: both sides present the cluster's certificate
/// and accept only a peer that presents the same one (pinned to its SHA-256 thumbprint; it is
/// self-signed, so chain and name errors are expected and ignored). A link on loopback stays plain
/// TCP: it never leaves the kernel, and TLS would cost its latency-bound round trips.
/// </summary>
internal static class DirectTls
{
    private const string TargetHost = "multiprocessing-cluster";

    /// <summary>
    /// Whether a keyed link to <paramref name="connectedTo"/> runs TLS. Both sides decide on the same
    /// address: the client on the one it connected to, the listener on the one it was reached at.
    /// </summary>
    public static bool IsNeededFor(IPAddress connectedTo) =>
        !IPAddress.IsLoopback(connectedTo.IsIPv4MappedToIPv6 ? connectedTo.MapToIPv4() : connectedTo);

    public static SslServerAuthenticationOptions ServerOptions(ClusterCredentials credentials) => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(credentials.Certificate, additionalCertificates: null, offline: true),
        ClientCertificateRequired = true,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => IsClusters(certificate, credentials),
    };

    public static SslClientAuthenticationOptions ClientOptions(ClusterCredentials credentials) => new()
    {
        TargetHost = TargetHost,
        ClientCertificates = [credentials.Certificate],
        LocalCertificateSelectionCallback = (_, _, _, _, _) => credentials.Certificate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => IsClusters(certificate, credentials),
    };

    private static bool IsClusters(X509Certificate? certificate, ClusterCredentials credentials) =>
        certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), credentials.Thumbprint, StringComparison.OrdinalIgnoreCase);
}
