using System.Diagnostics;

using Multiprocessing.Bench.Benchmarks;

namespace Multiprocessing.Bench;

/// <summary>
/// Waits until the machine's cores are idle before a Python anchor runs. A core kept busy by
/// anything else (the build that <c>dotnet run</c> just did, processes still exiting) doubles
/// Python's pipe and Manager rates here: its two processes then share the other core, and a
/// hand-off on one core is far quicker than waking an idle one. Our side is measured after its
/// warm-up rounds, on a quiet machine: so is Python's.
/// </summary>
public static class QuietMachine
{
    private const double QuietBusyFraction = 0.10;
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Blocks until the cores were at most 10% busy over a 300 ms window (Linux; up to 30 s); logs when it had to wait.</summary>
    public static void Wait(string before)
    {
        if (CpuTimes() is null) return;
        var waited = Stopwatch.StartNew();
        double busy;
        do
        {
            var start = CpuTimes()!.Value;
            Thread.Sleep(Window); // sampling the counters over a window: not a synchronisation
            var end = CpuTimes()!.Value;
            busy = end.Total == start.Total ? 0 : 1 - (double)(end.Idle - start.Idle) / (end.Total - start.Total);
        } while (busy > QuietBusyFraction && waited.Elapsed < Limit);
        if (waited.Elapsed > Window * 1.5 || busy > QuietBusyFraction)
            BenchRun.Log($"waited {waited.Elapsed.TotalSeconds:0.0} s for a quiet machine before {before} (cores {busy:P0} busy)");
    }

    // Total and idle (idle + iowait) jiffies of all cores, from /proc/stat.
    private static (long Total, long Idle)? CpuTimes()
    {
        try
        {
            if (!File.Exists("/proc/stat")) return null;
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            return (fields.Sum(), fields[3] + fields[4]);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }
}
