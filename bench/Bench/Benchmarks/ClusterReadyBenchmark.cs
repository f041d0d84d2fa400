using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// <c>await Mp.StartAsync(new MpOptions { Workers = 2 })</c>: the coordinator plus two local
/// worker OS processes Up; then the dispose that stops them. Repeated, one cluster at a time.
/// </summary>
public sealed class ClusterReadyBenchmark : IBenchmark
{
    private const double TargetMs = 2000;

    public string Name => "cluster";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var ready = new List<double>();
        var firstWork = new List<double>();
        var disposed = new List<double>();
        for (var i = 0; i < run.Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
            ready.Add(watch.Elapsed.TotalMilliseconds);
            try
            {
                // A program's first work right after the start (a fresh node's first process and messages cost more than later ones).
                var actor = mp.GetContext(MpStartMethod.Actor);
                var first = new[] { actor.Process(ProcessStartBenchmark.Noop), actor.Process(ProcessStartBenchmark.Noop) };
                foreach (var process in first) process.Start();
                foreach (var process in first)
                {
                    await process.JoinAsync();
                    if (process.ExitCode != 0) throw new InvalidOperationException($"a first process ended with {process.ExitCode}");
                }
                firstWork.Add(watch.Elapsed.TotalMilliseconds);
            }
            finally
            {
                watch.Restart();
                await mp.DisposeAsync();
            }
            disposed.Add(watch.Elapsed.TotalMilliseconds);
            BenchRun.Log($"cluster run {i + 1}/{run.Runs}: ready {ready[^1]:0} ms, disposed {disposed[^1]:0} ms");
        }

        var section = new Section("Cluster start");
        section.Intro.Add("`await Mp.StartAsync(new MpOptions { Workers = 2 })` until it returns: the coordinator's actor system " +
                          "and two local WorkerNode OS processes launched and Up in the cluster. Then `DisposeAsync()` of that context " +
                          "(workers leave and exit). In between, what a program's first work adds: one no-op process started on each worker " +
                          "node (`actor` start method) and joined, timed from the same start. Python has no counterpart, so there is no ratio.");
        var readyStats = Stats.Of(ready);
        section.Rows.Add(new Row("coordinator + 2 workers ready", "ms", readyStats, null, true,
            $"<= {TargetMs:0} ms", readyStats.Median <= TargetMs ? Verdict.Pass : Verdict.Miss));
        section.Rows.Add(new Row("ready, then a first process on each worker (actor) started and joined", "ms", Stats.Of(firstWork), null, true, "-", Verdict.NotJudged));
        section.Rows.Add(new Row("dispose (workers stopped)", "ms", Stats.Of(disposed), null, true, "-", Verdict.NotJudged));
        section.Notes.Add("The cold first run (JIT, first dotnet launch of WorkerNode) is included; the min shows a warm start.");
        return section;
    }
}
