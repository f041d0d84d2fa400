using Multiprocessing.Security;

namespace Multiprocessing;

/// <summary>The cluster's credentials as files, for clusters that span hosts (what <c>Coordinator keygen</c> does).</summary>
public static class MpCredentials
{
    /// <summary>
    /// Writes fresh credentials (an ECDSA P-256 key pair and its self-signed certificate, PEM) to a
    /// new file, mode 0600. Give the same file to the coordinator (<see cref="MpOptions.AuthFile"/>)
    /// and to every worker (<c>WorkerNode --auth FILE</c>). Throws <see cref="IOException"/> if the file exists.
    /// </summary>
    public static void Generate(string path) => ClusterCredentials.Create().WriteFile(path);
}
