using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Security;

namespace Multiprocessing.Hosting;

/// <summary>
/// How a coordinator gives its credentials to a host it launches (<c>--auth-stdin</c>): one
/// <see cref="FrameKind.Credentials"/> frame, the first bytes on the child's stdin. A pipe only
/// the two processes hold: the secret is on no command line and in no file.
/// </summary>
internal static class CredentialsHandOver
{
    public const string Flag = "--auth-stdin";

    public static void Send(Stream childStdin, ClusterCredentials credentials) =>
        new HostChannel(Stream.Null, childStdin).Write(new Frame(FrameKind.Credentials, Text: credentials.Pem));

    /// <summary>The PEM the coordinator sent; null if stdin ended or held something else first (the coordinator is gone).</summary>
    public static string? Receive(HostChannel stdin) => stdin.Read() is { Kind: FrameKind.Credentials } frame ? frame.Text : null;
}
