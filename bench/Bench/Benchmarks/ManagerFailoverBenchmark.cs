using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// How long a replicated Manager object is away when the worker node that holds it is SIGKILLed: the first write
/// after the kill waits while the object comes back on the other worker from its copy, and is timed. Python has no
/// row: its Manager is one server process, and its objects end with it.
/// </summary>
public sealed class ManagerFailoverBenchmark : IBenchmark
{
    private const int Written = 1000;

    public string Name => "manager_failover";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var resumed = new List<double>();
        TimeSpan detection = default;
        for (var i = 0; i < run.Runs; i++)
        {
            // A fresh cluster each time: a kill leaves one worker.
            await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
            var config = mp.Runtime.System.Settings.Config;
            detection = config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval") +
                        config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause");
            await using var manager = await mp.ManagerAsync();
            var d = manager.Dict<int, int>();
            for (var k = 0; k < Written; k++) d[k] = k; // located: these go over the direct link to its node
            var holder = (await mp.StatusAsync()).Nodes.Single(n => n.Role == "worker" && n.ManagerObjects > 0);
            var watch = Stopwatch.StartNew();
            Process.GetProcessById(holder.Pid!.Value).Kill();
            d[Written] = Written; // waits while the dict comes back on the other worker
            resumed.Add(watch.Elapsed.TotalSeconds);
            if (d.Count != Written + 1 || d[Written / 2] != Written / 2)
                throw new InvalidOperationException($"The dict came back with {d.Count} keys, expected {Written + 1}.");
            BenchRun.Log($"run {i + 1}/{run.Runs}: the first write after the kill took {resumed[^1]:0.00} s");
        }

        var target = detection.TotalSeconds + 1;
        var stats = Stats.Of([.. resumed]);
        var section = new Section("Manager failover");
        section.Intro.Add($"A replicated Manager dict (the default) with {Written} keys on a cluster of coordinator + 2 local workers; the worker node " +
                          "that holds it is SIGKILLed and the coordinator writes one more key at once: the seconds that write takes, while the " +
                          "dict comes back on the other worker from its copy. A fresh cluster per run. Python has no such row: its Manager is " +
                          "one process, and its objects end with it.");
        section.Rows.Add(new Row("Manager dict: first write after its node is SIGKILLed", "s", stats, null, true,
            $"<= failure detection + 1 s ({target:0.#} s)", stats.Median <= target ? Verdict.Pass : Verdict.Miss));
        section.Notes.Add($"Failure detection: akka.cluster.failure-detector heartbeat-interval + acceptable-heartbeat-pause = {detection.TotalSeconds:0.#} s. " +
                          "A local worker is downed as soon as its process exits, but the cluster removes it only once the others find it " +
                          "unreachable (5 to 5.5 s after the kill here); its shards start elsewhere `down-removal-margin` (200 ms) later, " +
                          "and the write, waiting in the coordinator's region proxy or sent again every `manager.resend-after` (500 ms), " +
                          "reaches the dict there.");
        return section;
    }
}
