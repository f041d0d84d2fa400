using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Multiprocessing.Security;

/// <summary>
/// What proves that a process belongs to this cluster (Python's <c>authkey</c>): one key pair and
/// its self-signed certificate, held by every node of the cluster and by nothing else. Akka.Remote's
/// TLS presents it and accepts only peers that present the same one (mutual, pinned); direct links
/// prove it with an HMAC keyed by <see cref="LinkKey"/>, derived from the private key.
/// Locally the coordinator makes fresh credentials per run; across hosts they come from a file
/// made by <c>keygen</c> (PEM: the certificate, then the PKCS#8 private key).
/// </summary>
internal sealed class ClusterCredentials
{
    private const string LinkKeyPurpose = "multiprocessing direct links v1";

    private ClusterCredentials(X509Certificate2 certificate, byte[] privateKeyPkcs8)
    {
        Certificate = certificate;
        LinkKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, privateKeyPkcs8, 32, info: System.Text.Encoding.UTF8.GetBytes(LinkKeyPurpose));
        Pem = PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n" + PemEncoding.WriteString("PRIVATE KEY", privateKeyPkcs8) + "\n";
    }

    /// <summary>The cluster's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The SHA-256 thumbprint peers must present.</summary>
    public string Thumbprint => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>The HMAC key of direct links (32 bytes).</summary>
    public byte[] LinkKey { get; }

    /// <summary>The certificate and private key as PEM text: what <c>keygen</c> writes and a launched child reads.</summary>
    public string Pem { get; }

    /// <summary>Fresh credentials (an ECDSA P-256 key pair and a self-signed certificate), made in memory.</summary>
    public static ClusterCredentials Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=multiprocessing cluster", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return FromParts(certificate.RawData, key.ExportPkcs8PrivateKey());
    }

    /// <summary>Reads credentials from PEM text; throws <see cref="CryptographicException"/> if it holds no certificate and matching key.</summary>
    public static ClusterCredentials FromPem(string pem)
    {
        byte[]? certificate = null, key = null;
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            var data = Convert.FromBase64String(rest.Span[fields.Base64Data].ToString());
            if (label == "CERTIFICATE") certificate ??= data;
            else if (label == "PRIVATE KEY") key ??= data;
            rest = rest[fields.Location.End..];
        }
        if (certificate is null || key is null)
            throw new CryptographicException("Cluster credentials need a CERTIFICATE and a PRIVATE KEY block (make them with `keygen`).");
        return FromParts(certificate, key);
    }

    /// <summary>Reads the credentials <c>keygen</c> wrote; throws <see cref="MpSecurityException"/> naming the file if it cannot.</summary>
    public static ClusterCredentials FromFile(string path)
    {
        try
        {
            return FromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or FormatException)
        {
            throw new MpSecurityException($"Cannot read cluster credentials from '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <see cref="Pem"/> to a new file that only its owner may read or write (0600 from the
    /// moment it exists: the private key is never readable by others, even briefly).
    /// </summary>
    public void WriteFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        file.Write(Pem);
    }

    // Loaded through PKCS#12 so that the key is usable by TLS on every platform.
    private static ClusterCredentials FromParts(byte[] certificate, byte[] privateKeyPkcs8)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(privateKeyPkcs8, out _);
        using var withKey = publicOnly.CopyWithPrivateKey(key);
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        return new ClusterCredentials(usable, privateKeyPkcs8);
    }
}
