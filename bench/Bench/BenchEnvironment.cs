using System.Runtime.InteropServices;

namespace Multiprocessing.Bench;

/// <summary>Where things are (repo root, Python anchors) and what machine this is.</summary>
public static class BenchEnvironment
{
    /// <summary>The folder holding Actors.sln, searched upwards from the current directory, then from this program's folder.</summary>
    public static string FindRepoRoot() =>
        FindUpwards(d => File.Exists(Path.Combine(d, "Actors.sln")))
        ?? throw new DirectoryNotFoundException("No folder containing Actors.sln above the current directory or the program: pass --out FILE.");

    /// <summary>The first <c>shared/anchors/python</c> folder found walking up from the current directory or the repo root.</summary>
    public static string? FindPythonAnchors(string? repoRoot)
    {
        var found = FindUpwards(d => Directory.Exists(Path.Combine(d, "shared", "anchors", "python")), repoRoot);
        return found is null ? null : Path.Combine(found, "shared", "anchors", "python");
    }

    public static string Machine()
    {
        var cpu = CpuModel();
        return $"{Environment.ProcessorCount} logical cores{(cpu is null ? "" : $" ({cpu})")}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The 1/5/15-minute load averages (Linux), so a report shows whether other work shared the machine.</summary>
    public static string? LoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" / ", parts.Take(3));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? CpuModel()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? FindUpwards(Func<string, bool> match, params string?[] extraStarts)
    {
        IEnumerable<string?> starts = [Directory.GetCurrentDirectory(), .. extraStarts, AppContext.BaseDirectory];
        foreach (var start in starts.OfType<string>())
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
                if (match(dir.FullName)) return dir.FullName;
        }
        return null;
    }
}
