using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// End-to-end throughput of <c>mp.Queue&lt;int&gt;()</c> in the shape of the Python anchor
/// queue_throughput.py: P producer processes put 200000/P ints each and a sentinel, the main
/// process gets until it has seen P sentinels; wall clock from starting the producers to joining
/// them. 4 producers and 1 producer, started with spawn (the default) and with the actor method.
/// </summary>
public sealed class QueueThroughputBenchmark : IBenchmark
{
    private const int Total = 200_000; // as queue_throughput.py
    private const int Sentinel = -1;
    private const int WarmUpItems = 20_000;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    public string Name => "queue";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("queue_throughput.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var spawn4 = new List<double>();
        var actor4 = new List<double>();
        var spawn1 = new List<double>();
        var actor1 = new List<double>();

        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            var actor = mp.GetContext(MpStartMethod.Actor);
            BenchRun.Log("warm-up");
            await mp.WaitForSpawnSparesAsync();
            Measure(mp, 4, WarmUpItems);
            Measure(actor, 4, WarmUpItems);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                spawn4.Add(Measure(mp, 4, Total));
                actor4.Add(Measure(actor, 4, Total));
                await mp.WaitForSpawnSparesAsync();
                spawn1.Add(Measure(mp, 1, Total));
                actor1.Add(Measure(actor, 1, Total));
                BenchRun.Log($"run {i + 1}/{run.Runs}: 4 producers spawn {spawn4[^1]:0} actor {actor4[^1]:0}, " +
                             $"1 producer spawn {spawn1[^1]:0} actor {actor1[^1]:0} items/s");
            }
        }

        var section = new Section("Queue throughput");
        section.Intro.Add($"The shape of `queue_throughput.py`: `var q = mp.Queue<int>()`, P producer processes " +
                          $"(`mp.Process(Produce, q, {Total} / P)`, `Produce` puts 0..n-1 then a sentinel -1), the main process " +
                          $"`q.Get()`s until it has seen P sentinels and the producers are joined; items/s = {Total} / wall seconds, " +
                          $"measured from starting the producers to joining them. The count is checked to be exactly {Total} and every " +
                          $"exit code 0. Cluster: coordinator + 2 local workers; one warm-up round ({WarmUpItems} items) per start " +
                          $"method first; `WaitForSpawnSparesAsync()` before each spawn measurement. A fresh queue per measurement.");
        section.Intro.Add("Spawn runs each producer in its own WorkerNode OS process; actor runs the producers as actors inside the " +
                          "two worker nodes. Python's anchor uses fork; its Queue is a pipe plus a feeder thread per producer.");

        var py4 = Py("queue_4p_items_per_s");
        var py1 = Py("queue_1p_items_per_s");
        section.Rows.Add(QueueRow("Queue, 4 producers, spawn", spawn4, py4));
        section.Rows.Add(QueueRow("Queue, 4 producers, actor", actor4, py4));
        section.Rows.Add(QueueRow("Queue, 1 producer, spawn", spawn1, py1));
        section.Rows.Add(QueueRow("Queue, 1 producer, actor", actor1, py1));

        if (python is not null)
        {
            section.Notes.Add($"Python medians over {python.Count} runs of `queue_throughput.py` (fork): Queue {MarkdownWriter.Num(py4!.Value)} (4p) / " +
                              $"{MarkdownWriter.Num(py1!.Value)} (1p) items/s; the same volume over Pipes " +
                              $"{MarkdownWriter.Num(Py("pipe_4p_items_per_s")!.Value)} (4p) / {MarkdownWriter.Num(Py("pipe_1p_items_per_s")!.Value)} (1p) items/s.");
        }
        else
        {
            section.Notes.Add($"Python not measured: {pythonError}. The rows cannot be judged without it.");
        }
        section.Notes.Add("The wall clock includes starting the producers, as Python's includes its forks. A spawn producer takes a " +
                          "warm spare host if one is ready: the default configuration keeps 2 spares and grows them to the largest burst " +
                          "the program has started (`spawn.max-spares`), so after the warm-up round of 4 producers every measured " +
                          "producer finds a warm, connected host — as a program that starts its producers in rounds would. " +
                          "Each spawn producer is a fresh .NET process, so its put path runs unjitted code that the actor producers " +
                          "(inside long-lived workers, warmed up) do not.");
        section.Notes.Add("The consumer's `q.Get()` is `q.Get(block: true, timeout: 60 s)` so that a lost producer fails the run instead of hanging it; " +
                          "the timeout is never reached in a good run.");
        return section;
    }

    private static void Produce(MpQueue<int> q, int n)
    {
        for (var i = 0; i < n; i++) q.Put(i);
        q.Put(Sentinel);
    }

    /// <summary>One run: items/s for <paramref name="total"/> items from <paramref name="producers"/> processes of <paramref name="ctx"/>.</summary>
    internal static double Measure(MpContext ctx, int producers, int total)
    {
        var q = ctx.Queue<int>();
        var processes = new MpProcess[producers];
        for (var i = 0; i < producers; i++) processes[i] = ctx.Process(Produce, q, total / producers);
        var watch = Stopwatch.StartNew();
        try
        {
            foreach (var p in processes) p.Start();
            int got = 0, done = 0;
            while (done < producers)
            {
                // q.Get() with a bound, so that a lost producer fails the run instead of hanging it.
                if (q.Get(block: true, WaitLimit) == Sentinel) done++;
                else got++;
            }
            foreach (var p in processes)
            {
                if (!p.Join(WaitLimit)) throw new TimeoutException($"{p} did not end within {WaitLimit} after its sentinel.");
                if (p.ExitCode != 0) throw new InvalidOperationException($"{p} exited with {p.ExitCode}, expected 0.");
            }
            var seconds = watch.Elapsed.TotalSeconds;
            if (got != total) throw new InvalidOperationException($"The consumer got {got} items, expected {total}.");
            return got / seconds;
        }
        catch (Exception e) when (e is MpQueueEmptyException or TimeoutException or InvalidOperationException)
        {
            foreach (var p in processes.Where(p => p.IsAlive)) p.Kill();
            throw;
        }
    }

    private static Row QueueRow(string metric, List<double> ours, double? python)
    {
        var stats = Stats.Of(ours);
        var verdict = python is not { } p ? Verdict.NotJudged : stats.Median >= p ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, "items/s", stats, python, false, ">= Python Queue", verdict);
    }
}
