namespace Multiprocessing.Values;

/// <summary>
/// Which processes can map the same /dev/shm file and see each other's pids: same boot of the
/// same machine, same pid namespace. A handle compares its creator's identity with this one.
/// </summary>
internal static class HostIdentity
{
    public static string Current { get; } = Compute();

    /// <summary>The machine name of <paramref name="identity"/>, for messages.</summary>
    public static string MachineOf(string identity) => identity.Split('|')[0];

    private static string Compute()
    {
        var boot = TryRead("/proc/sys/kernel/random/boot_id") ?? "";
        var pidNamespace = TryLink("/proc/self/ns/pid") ?? "";
        return $"{Environment.MachineName}|{boot}|{pidNamespace}|{ShmFiles.Folder}";
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // not Linux's /proc: that part is blank
    }

    private static string? TryLink(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // as TryRead
    }
}
