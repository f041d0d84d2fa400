using System.CommandLine;

namespace Multiprocessing.Coordinator;

/// <summary>
/// <c>Coordinator keygen FILE</c>: makes the cluster's credentials (a key pair and its
/// certificate, PEM) in a new file only its owner can read, for clusters that span hosts: the
/// coordinator (<c>--auth FILE</c>) and every worker (<c>WorkerNode --auth FILE</c>) take a copy.
/// </summary>
internal static class KeygenCommand
{
    public const string Usage = "       Coordinator keygen FILE";

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Where to write the credentials (a new file, mode 0600)." };
        var command = new Command("keygen", "Make the cluster's credentials for a cluster that spans hosts.") { file };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(file)));
        return command;
    }

    private static int Run(string path)
    {
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
