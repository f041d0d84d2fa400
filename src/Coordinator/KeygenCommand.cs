namespace Multiprocessing.Coordinator;

/// <summary>
/// <c>Coordinator keygen FILE</c>: makes the cluster's credentials (a key pair and its
/// certificate, PEM) in a new file only its owner can read, for clusters that span hosts: the
/// coordinator (<c>--auth FILE</c>) and every worker (<c>WorkerNode --auth FILE</c>) take a copy.
/// </summary>
internal static class KeygenCommand
{
    public const string Usage = "       Coordinator keygen FILE";

    /// <returns>The exit code, or null when the arguments are wrong (the caller prints the usage).</returns>
    public static int? Run(string[] args)
    {
        if (args is not [var path] || path.StartsWith('-')) return null;
        try
        {
            MpCredentials.Generate(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"keygen: cannot write '{path}': {e.Message}");
            return 1;
        }
        Console.WriteLine($"keygen: wrote the cluster's credentials to {path} (mode 0600): give it to the coordinator (--auth) and to every worker (WorkerNode --auth).");
        return 0;
    }
}
