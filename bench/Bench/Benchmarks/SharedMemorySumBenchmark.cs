using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// The shape of the Python anchor shm_sum.py: a 100 MiB <c>mp.SharedMemory</c> block of the doubles 0..N-1; two
/// processes attach to it by name and sum their half in place, writing their sum and summing time into a second
/// block; wall clock from starting them to joining them, the total checked exact.
/// </summary>
public sealed class SharedMemorySumBenchmark : IBenchmark
{
    private const int Size = 100 * 1024 * 1024; // as shm_sum.py
    private const int Count = Size / sizeof(double);
    private const int Processes = 2;

    public string Name => "shared_memory";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("shm_sum.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;
        var pythonNumpy = Py("numpy") is 1;

        var spawnWall = new List<double>();
        var actorWall = new List<double>();
        var rate = new List<double>();
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            using var block = mp.SharedMemory(create: true, size: Size);
            using var results = mp.SharedMemory(create: true, size: 2 * sizeof(double) * Processes);
            var values = block.AsSpan<double>();
            for (var i = 0; i < values.Length; i++) values[i] = i;
            try
            {
                var actor = mp.GetContext(MpStartMethod.Actor);
                BenchRun.Log("warm-up");
                await mp.WaitForSpawnSparesAsync();
                Measure(mp, block, results);
                Measure(actor, block, results);
                for (var i = 0; i < run.Runs; i++)
                {
                    await mp.WaitForSpawnSparesAsync();
                    QuietMachine.Wait("shared_memory, spawn"); // a round lasts ~0.1 s: another program's burst is most of it
                    var (wall, spawnRate) = Measure(mp, block, results);
                    spawnWall.Add(wall);
                    rate.Add(spawnRate);
                    QuietMachine.Wait("shared_memory, actor");
                    actorWall.Add(Measure(actor, block, results).WallMs);
                    BenchRun.Log($"run {i + 1}/{run.Runs}: spawn {spawnWall[^1]:0.0} ms ({rate[^1]:0.00} GiB/s summing), actor {actorWall[^1]:0.0} ms");
                }
            }
            finally
            {
                block.Unlink();
                results.Unlink();
            }
        }

        var section = new Section("Shared memory (shared_memory)");
        section.Intro.Add($"The shape of `shm_sum.py`: a {Size / (1024 * 1024)} MiB `mp.SharedMemory(create: true, size: ...)` block holding the " +
                          $"doubles 0..N-1; {Processes} processes (`mp.Process(HalfSum, block.Name, i, results.Name)`) attach to it by name " +
                          "and sum their half in place (`AsSpan<double>()`, a `Vector<double>` loop), writing their sum and the seconds it took " +
                          "into a second block; wall clock from starting them to joining them, the total checked exact. One warm-up round " +
                          "per start method, then one round of each per run, each on a quiet machine (as Python's runs); `WaitForSpawnSparesAsync()` before each spawn round.");
        section.Intro.Add("Spawn runs each summer in its own WorkerNode OS process (a warm spare), actor inside the two worker nodes. " +
                          "Python's anchor forks its summers; each sums with numpy's `ndarray(buffer=shm.buf).sum()` when numpy is " +
                          "installed, else with `sum()` over `shm.buf.cast('d')` (the standard library's only in-place way).");
        section.Rows.Add(new Row("SharedMemory: two processes summing a 100 MiB block in place, spawn", "ms", Stats.Of(spawnWall), Py("wall_ms"), true,
            "<= Python", Judge(spawnWall, Py("wall_ms"), lowerIsBetter: true)));
        section.Rows.Add(new Row("SharedMemory: two processes summing a 100 MiB block in place, actor", "ms", Stats.Of(actorWall), Py("wall_ms"), true,
            "<= Python", Judge(actorWall, Py("wall_ms"), lowerIsBetter: true)));
        section.Rows.Add(new Row("SharedMemory: summing rate of the slower process (spawn)", "GiB/s", Stats.Of(rate), Py("sum_gib_per_s"), false,
            ">= Python", Judge(rate, Py("sum_gib_per_s"), lowerIsBetter: false)));
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python: medians over {python.Count} runs of `shm_sum.py` (fork, each run the median of 3 rounds after a warm-up), summing with " +
              (pythonNumpy ? "numpy" : "`sum()` over a memoryview (numpy is not installed here: with it, Python's sum would be vectorized, as ours is)") +
              $": {MarkdownWriter.Num(Py("wall_ms")!.Value)} ms, {MarkdownWriter.Num(Py("sum_gib_per_s")!.Value)} GiB/s.");
        section.Notes.Add("Both sides map the same kind of file (`/dev/shm/psm_...`); the wall clock includes starting the two processes " +
                          "(a fork for Python, a warm spare host or an actor for us) and their first touch of the 50 MiB they read.");
        return section;
    }

    private static Verdict Judge(List<double> ours, double? python, bool lowerIsBetter) =>
        python is not { } p ? Verdict.NotJudged
        : (lowerIsBetter ? Stats.Of(ours).Median <= p : Stats.Of(ours).Median >= p) ? Verdict.Pass : Verdict.Miss;

    /// <summary>One round: the wall ms of <see cref="Processes"/> summers of <paramref name="ctx"/>, and the slower one's GiB/s.</summary>
    private static (double WallMs, double GibPerSecond) Measure(MpContext ctx, MpSharedMemory block, MpSharedMemory results)
    {
        var summers = Enumerable.Range(0, Processes).Select(i => ctx.Process(HalfSum, block.Name, i, results.Name)).ToArray();
        var wall = BenchProcesses.StartAndJoin(summers).TotalMilliseconds;
        var parts = results.AsSpan<double>();
        double total = 0, slowest = 0;
        for (var i = 0; i < Processes; i++)
        {
            total += parts[2 * i];
            slowest = Math.Max(slowest, parts[2 * i + 1]);
        }
        const double expected = (double)Count * (Count - 1) / 2;
        if (total != expected) throw new InvalidOperationException($"The halves sum to {total}, not {expected}.");
        return (wall, Size / (double)Processes / slowest / (1 << 30));
    }

    private static void HalfSum(string name, int index, string resultsName)
    {
        using var block = new MpSharedMemory(name);
        using var results = new MpSharedMemory(resultsName);
        var values = block.AsSpan<double>()[(int)((long)index * Count / Processes)..(int)((long)(index + 1) * Count / Processes)];
        var watch = Stopwatch.StartNew();
        var total = Sum(values);
        var seconds = watch.Elapsed.TotalSeconds;
        var parts = results.AsSpan<double>();
        parts[2 * index] = total;
        parts[2 * index + 1] = seconds;
    }

    // A fresh spawn process would run this loop unoptimized at first (tier 0): compile it optimized at once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum(ReadOnlySpan<double> values)
    {
        var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<double, Vector<double>>(values);
        var sums = Vector<double>.Zero;
        foreach (var v in vectors) sums += v;
        var total = Vector.Sum(sums);
        for (var i = vectors.Length * Vector<double>.Count; i < values.Length; i++) total += values[i];
        return total;
    }
}
