namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// A contended shared counter in the shape of the Python anchor value_incr.py: <c>mp.Value(0)</c>,
/// 2 processes each doing 200000 times <c>using (v.GetLock().Hold()) v.Value += 1;</c>; wall clock
/// from starting them to joining them; the final value must be exactly 400000.
/// </summary>
public sealed class ValueLockBenchmark : IBenchmark
{
    private const int Processes = 2, Increments = 200_000; // as value_incr.py
    private const int ActorIncrements = 2_000; // through the actor every access is a message: a smaller count
    private const double TargetRatio = 1.0;

    public string Name => "value";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("value_incr.py", out var pythonError);
        double? pythonRate = python is null ? null : PythonAnchor.Field(python, "locked_incr_per_s").Median;

        var spawn = new List<double>();
        var actor = new List<double>();
        var viaActor = new List<double>();
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            var actorContext = mp.GetContext(MpStartMethod.Actor);
            BenchRun.Log("warm-up");
            await mp.WaitForSpawnSparesAsync();
            Measure(mp, Increments / 10);
            Measure(actorContext, Increments / 10);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                spawn.Add(Measure(mp, Increments));
                actor.Add(Measure(actorContext, Increments));
                BenchRun.Log($"run {i + 1}/{run.Runs}: locked increments spawn {spawn[^1]:0}/s, actor {actor[^1]:0}/s");
            }
        }

        // The path of processes on another host: every read, write and lock call is a request to the creator's actor.
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2, Config = "multiprocessing.shared-memory = off" }))
        {
            var actorContext = mp.GetContext(MpStartMethod.Actor);
            Measure(actorContext, ActorIncrements / 10);
            for (var i = 0; i < run.Runs; i++)
            {
                viaActor.Add(Measure(actorContext, ActorIncrements));
                BenchRun.Log($"run {i + 1}/{run.Runs}: locked increments through the actor {viaActor[^1]:0}/s");
            }
        }

        var section = new Section("Locked Value increments");
        section.Intro.Add($"The shape of `value_incr.py`: `var v = mp.Value(0)`, {Processes} processes each do {Increments} times " +
                          "`using (v.GetLock().Hold()) v.Value += 1;` (the Value's own RLock, like `with v.get_lock(): v.value += 1`); " +
                          $"increments/s = {Processes * Increments} / wall seconds from starting the processes to joining them; the final " +
                          $"value is checked to be exactly {Processes * Increments}. One warm-up round first, a fresh Value per measurement.");
        section.Intro.Add("On one host the Value is a shared-memory file mapped by every process; its lock is a word in it " +
                          "(compare-and-swap, a short spin, then a futex wait), re-entered by the holder's reads and writes. Spawn runs " +
                          "each process in its own WorkerNode OS process; actor runs them inside the two worker nodes.");
        section.Rows.Add(ValueRow("Locked increments, spawn", spawn, pythonRate, judged: true));
        section.Rows.Add(ValueRow("Locked increments, actor", actor, pythonRate, judged: true));
        section.Rows.Add(ValueRow($"Locked increments through the actor (shared-memory = off, {ActorIncrements} each)", viaActor, pythonRate, judged: false));
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python: median over {python.Count} runs of `value_incr.py` (fork, `Value('i')`, its lock a POSIX semaphore): " +
              $"{MarkdownWriter.Num(pythonRate!.Value)} increments/s.");
        section.Notes.Add("The last row is what processes on another host pay: each `Hold()`, read, write and release is a request " +
                          "to the actor in the creating process (4 round trips per increment); it is not judged against Python's shared memory.");
        return section;
    }

    private static void Increment(MpValue<int> v, int n)
    {
        var lk = v.GetLock();
        for (var i = 0; i < n; i++)
            using (lk.Hold())
                v.Value += 1;
    }

    /// <summary>One run: increments/s of <see cref="Processes"/> processes of <paramref name="ctx"/> doing <paramref name="each"/> each.</summary>
    private static double Measure(MpContext ctx, int each)
    {
        var v = ctx.Value(0);
        var processes = Enumerable.Range(0, Processes).Select(_ => ctx.Process(Increment, v, each)).ToArray();
        var elapsed = BenchProcesses.StartAndJoin(processes);
        if (v.Value != Processes * each) throw new InvalidOperationException($"Final value {v.Value}, expected {Processes * each}: an update was lost.");
        return Processes * each / elapsed.TotalSeconds;
    }

    private static Row ValueRow(string metric, List<double> ours, double? python, bool judged)
    {
        var stats = Stats.Of(ours);
        var verdict = !judged || python is not { } p ? Verdict.NotJudged : stats.Median >= p * TargetRatio ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, "incr/s", stats, python, false, judged ? $">= {TargetRatio:0}x Python" : "-", verdict);
    }
}
