namespace Multiprocessing.Values;

/// <summary>
/// Files in shared memory (/dev/shm) named <c>PREFIX-PID-GUID</c> by the process that made them,
/// so that one whose maker was killed (and could not remove it) is known and removed by the next.
/// </summary>
internal static class ShmFiles
{
    public static string Folder { get; } = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>A new file name of this process, with <paramref name="prefix"/>.</summary>
    public static string NewPath(string prefix) => Path.Combine(Folder, $"{prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Removes the files with <paramref name="prefix"/> whose maker is no longer alive.</summary>
    public static void SweepDeadMakers(string prefix)
    {
        try
        {
            foreach (var path in Directory.EnumerateFiles(Folder, prefix + "*"))
            {
                var name = Path.GetFileName(path);
                var dash = name.IndexOf('-', prefix.Length);
                if (dash > 0 && int.TryParse(name.AsSpan(prefix.Length, dash - prefix.Length), out var maker) && !NativeWait.IsAlive(maker, 0))
                    TryDelete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to sweep here.
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Already gone, or not ours to delete: either way no one can map it after us.
        }
    }
}
