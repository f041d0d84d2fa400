using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// A Manager dict used from a child process, in the shape of the Python anchor manager_dict.py:
/// the child writes d[i] = i for 20000 keys, then reads them back, timed inside the child. Three
/// ways: one operation at a time (each a request/reply, as Python's proxy), pipelined (a window of
/// SetAsync/GetAsync requests in flight), and batched (UpdateAsync/GetManyAsync, 1000 keys a request).
/// </summary>
public sealed class ManagerBenchmark : IBenchmark
{
    private const int N = 20_000; // as manager_dict.py
    private const int Window = 512;
    private const int Batch = 1000;
    private const double PipelinedTarget = 5; // issue 15: pipelined >= 5x Python's one-at-a-time rate
    private const double BatchedTarget = 10; // and batched >= 10x
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(120);

    public string Name => "manager";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("manager_dict.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var single = new List<(double Write, double Read, double Total)>();
        var pipelined = new List<(double Write, double Read, double Total)>();
        var batched = new List<(double Write, double Read, double Total)>();
        var unreplicated = new List<(double Write, double Read, double Total)>();
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            await using var manager = await mp.ManagerAsync();
            await using var withoutCopy = await mp.ManagerAsync(replicas: 0);
            BenchRun.Log("warm-up");
            await mp.WaitForSpawnSparesAsync();
            Measure(mp, manager, Mode.Single, 2000);
            Measure(mp, manager, Mode.Pipelined, 2000);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                single.Add(Measure(mp, manager, Mode.Single, N));
                await mp.WaitForSpawnSparesAsync();
                pipelined.Add(Measure(mp, manager, Mode.Pipelined, N));
                await mp.WaitForSpawnSparesAsync();
                batched.Add(Measure(mp, manager, Mode.Batched, N));
                await mp.WaitForSpawnSparesAsync();
                unreplicated.Add(Measure(mp, withoutCopy, Mode.Single, N));
                BenchRun.Log($"run {i + 1}/{run.Runs}: one at a time {single[^1].Total:0}, pipelined {pipelined[^1].Total:0}, " +
                             $"batched {batched[^1].Total:0} ops/s");
            }
        }

        var section = new Section("Manager dict");
        section.Intro.Add($"The shape of `manager_dict.py`: `var d = manager.Dict<int, int>()` on a cluster of coordinator + 2 local workers; " +
                          $"a child process (spawn) does {N} writes `d[i] = i` then {N} reads `d[i]` (the sum is checked), timed inside the child; " +
                          "ops/s = operations / seconds. One at a time: each operation is a request/reply (Python's proxy does the same). " +
                          $"Pipelined: `SetAsync`/`GetAsync` with {Window} requests in flight. Batched: `UpdateAsync`/`GetManyAsync` of {Batch} keys a request. " +
                          "A fresh dict per measurement; one warm-up round of 2000 first. The dict is replicated (the default: a write is " +
                          "acknowledged once the coordinator's copy has it), except in the `replicas: 0` row.");
        var pyTotal = Py("total_ops_per_s");
        section.Rows.Add(ManagerRow("Manager dict, one at a time, writes", single.Select(s => s.Write), Py("write_ops_per_s"), 1));
        section.Rows.Add(ManagerRow("Manager dict, one at a time, reads", single.Select(s => s.Read), Py("read_ops_per_s"), 1));
        section.Rows.Add(ManagerRow("Manager dict, one at a time, total", single.Select(s => s.Total), pyTotal, 1));
        section.Rows.Add(ManagerRow("Manager dict, one at a time, writes, replicas: 0", unreplicated.Select(s => s.Write), Py("write_ops_per_s"), 1));
        section.Rows.Add(ManagerRow($"Manager dict, pipelined ({Window} in flight), total", pipelined.Select(s => s.Total), pyTotal, PipelinedTarget));
        section.Rows.Add(ManagerRow($"Manager dict, batched ({Batch} a request), total", batched.Select(s => s.Total), pyTotal, BatchedTarget));
        if (python is not null)
            section.Notes.Add($"Python medians over {python.Count} runs of `manager_dict.py` (fork): writes {MarkdownWriter.Num(Py("write_ops_per_s")!.Value)}, " +
                              $"reads {MarkdownWriter.Num(Py("read_ops_per_s")!.Value)}, total {MarkdownWriter.Num(pyTotal!.Value)} ops/s " +
                              $"({Py("mean_op_us"):0.#} us per operation).");
        else
            section.Notes.Add($"Python not measured: {pythonError}. The rows cannot be judged without it.");
        section.Notes.Add("Python's manager is one server process next to the child; here the dict is a sharded entity on a worker node. " +
                          "A one-at-a-time call goes over a direct TCP connection from the child to that node once the proxy has located " +
                          "the entity (the first calls go through the coordinator's shard-region proxy): the child's thread writes the call " +
                          "and reads the reply itself, and the entity runs it on the connection's reader thread. Pipelined calls go together, " +
                          "one batch in flight per proxy, and batched calls alone, over the same links without holding a thread. " +
                          "A replicated write is answered once the coordinator's copy has it: four one-way hops between three processes " +
                          "(child, worker, coordinator) where Python's proxy makes two between two, each waking a sleeping thread when " +
                          "the machine has no core to spare for a spinning one.");
        return section;
    }

    internal enum Mode { Single, Pipelined, Batched }

    internal static (double Write, double Read, double Total) Measure(MpContext mp, MpManager manager, Mode mode, int n)
    {
        var d = manager.Dict<int, int>();
        var results = mp.Queue<double[]>();
        var child = mp.Process(Child, d, n, mode, results);
        child.Start();
        try
        {
            var times = results.Get(block: true, WaitLimit)!;
            if (!child.Join(WaitLimit)) throw new TimeoutException($"{child} did not end within {WaitLimit}.");
            if (child.ExitCode != 0) throw new InvalidOperationException($"{child} exited with {child.ExitCode}.");
            if (d.Count != n) throw new InvalidOperationException($"The dict holds {d.Count} keys, expected {n}.");
            return (n / times[0], n / times[1], 2 * n / (times[0] + times[1]));
        }
        catch (Exception e) when (e is MpQueueEmptyException or TimeoutException or InvalidOperationException)
        {
            if (child.IsAlive) child.Kill();
            throw;
        }
    }

    private static void Child(MpDict<int, int> d, int n, Mode mode, MpQueue<double[]> results)
    {
        long sum = 0;
        var watch = Stopwatch.StartNew();
        switch (mode)
        {
            case Mode.Single:
                for (var i = 0; i < n; i++) d[i] = i;
                break;
            case Mode.Pipelined:
                Windowed(n, i => d.SetAsync(i, i)).GetAwaiter().GetResult();
                break;
            case Mode.Batched:
                for (var i = 0; i < n; i += Batch)
                    d.UpdateAsync(Enumerable.Range(i, Math.Min(Batch, n - i)).Select(k => new KeyValuePair<int, int>(k, k))).GetAwaiter().GetResult();
                break;
        }
        var writes = watch.Elapsed.TotalSeconds;
        watch.Restart();
        switch (mode)
        {
            case Mode.Single:
                for (var i = 0; i < n; i++) sum += d[i];
                break;
            case Mode.Pipelined:
                Windowed(n, async i => Interlocked.Add(ref sum, await d.GetAsync(i))).GetAwaiter().GetResult();
                break;
            case Mode.Batched:
                for (var i = 0; i < n; i += Batch)
                    sum += d.GetManyAsync(Enumerable.Range(i, Math.Min(Batch, n - i))).GetAwaiter().GetResult().Sum(v => (long)v);
                break;
        }
        var reads = watch.Elapsed.TotalSeconds;
        if (sum != (long)n * (n - 1) / 2) throw new InvalidOperationException($"Read sum {sum}, expected {(long)n * (n - 1) / 2}.");
        results.Put([writes, reads]);
    }

    // Keeps up to Window operations in flight (a slot frees as each one completes).
    private static async Task Windowed(int n, Func<int, Task> operation)
    {
        using var slots = new SemaphoreSlim(Window);
        var all = new Task[n];
        for (var i = 0; i < n; i++)
        {
            await slots.WaitAsync();
            all[i] = operation(i);
            _ = all[i].ContinueWith(_ => slots.Release(), TaskContinuationOptions.ExecuteSynchronously);
        }
        await Task.WhenAll(all);
    }

    private static Row ManagerRow(string metric, IEnumerable<double> ours, double? python, double ratio)
    {
        var stats = Stats.Of([.. ours]);
        var verdict = python is not { } p ? Verdict.NotJudged : stats.Median >= p * ratio ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, "ops/s", stats, python, false, ratio == 1 ? ">= Python" : $">= {ratio:0}x Python", verdict);
    }
}
