using System.Security.Cryptography;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace Multiprocessing.Security;

/// <summary>
/// Akka.Remote over TLS, both sides presenting the cluster's certificate and accepting only a
/// peer that presents the very same one: a process without the cluster's private key can
/// neither connect to a node nor be connected to.
/// </summary>
internal static class ClusterTls
{
    /// <summary>The transport reads its certificate from the <see cref="Setup"/>; this switches it on.</summary>
    /// <remarks>
    /// Without write batching: behind DotNetty's TLS handler, Akka's flush consolidation can hold a
    /// node's answer to a new association until the next bytes arrive from its peer (seconds: a
    /// spawned process's first call to a Manager object on a worker took 4 s one time in three).
    /// </remarks>
    public static readonly Config EnableSsl = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp {
          enable-ssl = on
          batching.enabled = off
        }
        """);

    public static DotNettySslSetup Setup(ClusterCredentials credentials) =>
        new(credentials.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: PinnedTo(credentials.Certificate.GetCertHash(HashAlgorithmName.SHA256)));

    // The certificate is self-signed, so its chain is untrusted by design and the host name is
    // whatever the peer is reached by: what proves a peer is that it presents the cluster's own
    // certificate (and, by the handshake, holds its key). Compared by SHA-256 (Akka's
    // PinnedCertificate uses SHA-1 and logs every refusal: RefusedConnectionLog logs each peer once).
    private static CertificateValidationCallback PinnedTo(byte[] sha256) =>
        (certificate, _, _, _, _) => certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), sha256);
}
