using System.Runtime.InteropServices;

namespace Multiprocessing.Bench;

/// <summary>Where things are (repo root, Python comparison scripts) and what machine this is.</summary>
public static class BenchEnvironment
{
    /// <summary>The folder holding Actors.sln, searched upwards from the current directory, then from this program's folder.</summary>
    public static string FindRepoRoot() =>
        FindUpwards(d => File.Exists(Path.Combine(d, "Actors.sln")))
        ?? throw new DirectoryNotFoundException("No folder containing Actors.sln above the current directory or the program: pass --out FILE.");

    /// <summary>The repo's own Python comparison scripts.</summary>
    public static string PythonScripts(string repoRoot) => Path.Combine(repoRoot, "bench", "python");

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

    private static string? FindUpwards(Func<string, bool> match)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
                if (match(dir.FullName)) return dir.FullName;
        }
        return null;
    }
}
