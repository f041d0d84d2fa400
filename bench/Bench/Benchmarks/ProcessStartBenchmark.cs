using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// Start-to-join latency of a no-op process, in the two shapes of the Python anchor
/// process_spawn.py: sequential (start, join, next) and batch (start K, then join K), in ms per
/// process. Actor start method against Python's fork, spawn against Python's spawn, spawn again
/// with more pre-started spare hosts.
/// </summary>
public sealed class ProcessStartBenchmark : IBenchmark
{
    private const int K = 20; // as process_spawn.py
    private const double ActorTargetMs = 5;
    private const int WarmUpActors = 5;
    private const int WarmUpSpawns = 3;
    private const int LargeSpares = 8;

    public string Name => "process-start";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("process_spawn.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var actorSeq = new List<double>();
        var actorBatch = new List<double>();
        var spawnSingle = new List<double>();
        var spawnSeq = new List<double>();
        var spawnBatch = new List<double>();
        var spawnSeqLarge = new List<double>();
        var spawnBatchLarge = new List<double>();

        BenchRun.Log("default cluster (spawn.spares = 2)");
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            var actor = mp.GetContext(MpStartMethod.Actor);
            var spawn = mp.GetContext(MpStartMethod.Spawn);
            await WarmUpAsync(mp, actor, spawn);
            for (var i = 0; i < run.Runs; i++)
            {
                // Spares relaunched after the previous round's spawns would compete for the CPU.
                await mp.WaitForSpawnSparesAsync();
                actorSeq.Add(Sequential(actor));
                actorBatch.Add(Batch(actor));
                await mp.WaitForSpawnSparesAsync();
                spawnSingle.Add(Single(spawn));
                await mp.WaitForSpawnSparesAsync();
                spawnSeq.Add(Sequential(spawn));
                await mp.WaitForSpawnSparesAsync();
                spawnBatch.Add(Batch(spawn));
                BenchRun.Log($"run {i + 1}/{run.Runs}: actor seq {actorSeq[^1]:0.00} batch {actorBatch[^1]:0.00}, " +
                             $"spawn single {spawnSingle[^1]:0.0} seq {spawnSeq[^1]:0.0} batch {spawnBatch[^1]:0.0} ms/process");
            }
        }

        BenchRun.Log($"cluster with spawn.spares = {LargeSpares}");
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2, Config = $"multiprocessing.spawn.spares = {LargeSpares}" }))
        {
            var spawn = mp.GetContext(MpStartMethod.Spawn);
            await WarmUpAsync(mp, null, spawn);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                spawnSeqLarge.Add(Sequential(spawn));
                await mp.WaitForSpawnSparesAsync();
                spawnBatchLarge.Add(Batch(spawn));
                BenchRun.Log($"run {i + 1}/{run.Runs}: spawn (spares {LargeSpares}) seq {spawnSeqLarge[^1]:0.0} batch {spawnBatchLarge[^1]:0.0} ms/process");
            }
        }

        var section = new Section("Process start");
        section.Intro.Add($"Start-to-join latency of a no-op target (`ctx.Process(Noop)`, `static void Noop() {{}}`), ms per process, " +
                          $"in the shapes of `process_spawn.py`: **sequential** ({K} times start, join, next) and **batch** " +
                          $"(start {K}, then join {K}). Every exit code is checked to be 0. Cluster: coordinator + 2 local workers; " +
                          $"a few warm-up processes first; before each spawn measurement `WaitForSpawnSparesAsync()` so the " +
                          $"pre-started spawn hosts (`multiprocessing.spawn.spares`) are ready.");
        section.Intro.Add("Actor start method is compared with Python's fork (its fastest), spawn with Python's spawn.");

        var pyForkSeq = Py("fork_seq_ms_per_proc");
        var pyForkBatch = Py("fork_batch_ms_per_proc");
        var pySpawnSeq = Py("spawn_seq_ms_per_proc");
        var pySpawnBatch = Py("spawn_batch_ms_per_proc");
        section.Rows.Add(ActorRow("actor, sequential", actorSeq, pyForkSeq));
        section.Rows.Add(ActorRow("actor, batch", actorBatch, pyForkBatch));
        section.Rows.Add(SpawnRow("spawn, one process from a warm spare", spawnSingle, pySpawnSeq));
        section.Rows.Add(SpawnRow("spawn (spares 2), sequential", spawnSeq, pySpawnSeq));
        section.Rows.Add(SpawnRow("spawn (spares 2), batch", spawnBatch, pySpawnBatch));
        section.Rows.Add(SpawnRow($"spawn (spares {LargeSpares}), sequential", spawnSeqLarge, pySpawnSeq));
        section.Rows.Add(SpawnRow($"spawn (spares {LargeSpares}), batch", spawnBatchLarge, pySpawnBatch));

        if (python is not null)
        {
            section.Notes.Add($"Python medians over {python.Count} runs of `process_spawn.py`: " +
                              $"fork {MarkdownWriter.Num(pyForkSeq!.Value)} seq / {MarkdownWriter.Num(pyForkBatch!.Value)} batch, " +
                              $"forkserver {MarkdownWriter.Num(Py("forkserver_seq_ms_per_proc")!.Value)} / {MarkdownWriter.Num(Py("forkserver_batch_ms_per_proc")!.Value)}, " +
                              $"spawn {MarkdownWriter.Num(pySpawnSeq!.Value)} / {MarkdownWriter.Num(pySpawnBatch!.Value)} ms per process.");
        }
        else
        {
            section.Notes.Add($"Python not measured: {pythonError ?? run.Python.Problem}. Spawn rows cannot be judged without it.");
        }
        section.Notes.Add("Spawn uses a single-use WorkerNode OS process per Process; a spare is one launched in advance. " +
                          $"When more than `spares` processes start faster than hosts are launched, the rest wait for a cold launch. " +
                          "The \"one process from a warm spare\" row is a single start + join right after the spares are ready, " +
                          "compared with Python's sequential spawn per process.");
        return section;
    }

    internal static void Noop()
    {
    }

    private static Row ActorRow(string metric, List<double> ours, double? pythonFork)
    {
        var stats = Stats.Of(ours);
        return new Row(metric, "ms", stats, pythonFork, true, $"< {ActorTargetMs:0} ms (vs Python fork)",
            stats.Median < ActorTargetMs ? Verdict.Pass : Verdict.Miss);
    }

    private static Row SpawnRow(string metric, List<double> ours, double? pythonSpawn)
    {
        var stats = Stats.Of(ours);
        var verdict = pythonSpawn is not { } p ? Verdict.NotJudged : stats.Median <= p ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, "ms", stats, pythonSpawn, true, "<= Python spawn", verdict);
    }

    private static async Task WarmUpAsync(MpContext mp, MpContext? actor, MpContext spawn)
    {
        for (var i = 0; actor is not null && i < WarmUpActors; i++) StartJoin(actor);
        await mp.WaitForSpawnSparesAsync();
        for (var i = 0; i < WarmUpSpawns; i++) StartJoin(spawn);
    }

    // One start + join with the spares ready: the cost of using a spare, no host launch in it.
    private static double Single(MpContext ctx)
    {
        var watch = Stopwatch.StartNew();
        StartJoin(ctx);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Sequential(MpContext ctx)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < K; i++) StartJoin(ctx);
        return watch.Elapsed.TotalMilliseconds / K;
    }

    private static double Batch(MpContext ctx)
    {
        var watch = Stopwatch.StartNew();
        var processes = new MpProcess[K];
        for (var i = 0; i < K; i++) processes[i] = ctx.Process(Noop);
        foreach (var p in processes) p.Start();
        foreach (var p in processes) Check(p);
        return watch.Elapsed.TotalMilliseconds / K;
    }

    private static void StartJoin(MpContext ctx)
    {
        var p = ctx.Process(Noop);
        p.Start();
        Check(p);
    }

    private static void Check(MpProcess p)
    {
        p.Join();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{p} exited with {p.ExitCode}, expected 0.");
    }
}
