using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>What the benchmarks of N processes share: start them all, join them all, fail a run that goes wrong.</summary>
public static class BenchProcesses
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>The wall time from the first start to the last join; every exit code must be 0, else (or after 120 s) those still alive are killed and it throws.</summary>
    public static TimeSpan StartAndJoin(IReadOnlyList<MpProcess> processes)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            foreach (var p in processes) p.Start();
            foreach (var p in processes)
            {
                if (!p.Join(Limit)) throw new TimeoutException($"{p.Name} did not end within {Limit.TotalSeconds:0} s.");
                if (p.ExitCode != 0) throw new InvalidOperationException($"{p.Name} ended with exit code {p.ExitCode}.");
            }
        }
        catch
        {
            foreach (var p in processes.Where(p => p.IsAlive)) p.Kill();
            throw;
        }
        return watch.Elapsed;
    }
}
