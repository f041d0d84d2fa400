using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// <c>Pool(2).Map</c> in the shape of the Python anchor pool_map.py: (a) a trivial function over
/// 1M ints with the default chunksize, items/s; (b) 2,000 CPU-bound tasks against a serial loop
/// in this process, speed-up; (c) what one task costs: 10,000 no-op tasks with chunksize 1, and
/// Apply round trips. Pool created and warmed first; each timing the best of 3 interleaved
/// repetitions, as the anchor does.
/// </summary>
public sealed class PoolBenchmark : IBenchmark
{
    private const int Items = 1_000_000; // as pool_map.py
    private const int Tasks = 2_000;
    private const int Work = 20_000;
    private const int Reps = 3;
    private const double TrivialTarget = 3.0;
    private const double SpeedupTarget = 1.8;
    private const int Tiny = 10_000; // as pool_map.py
    private const int Applies = 1_000;
    private const int Scale = 100; // one scaled task lasts ~1 ms here, about as long as the anchor's task in CPython

    public string Name => "pool";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("pool_map.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var trivial = new List<double>();
        var speedupSame = new List<double>();
        var speedupScaled = new List<double>();
        var chunk1 = new List<double>();
        var apply = new List<double>();
        double taskTime;
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            await using var pool = mp.Pool(2);
            var input = Enumerable.Range(0, Items).ToArray();
            var expected = input.Select(Multiply).ToList();
            pool.Map(Multiply, Enumerable.Range(0, 100));
            if (!pool.Map(Multiply, input).SequenceEqual(expected)) throw new InvalidOperationException("Pool.Map returned a wrong result.");
            // C# runs the anchor's task (sum of i*i below 20000) ~100 times faster than CPython: a task of the same
            // size measures the pool's overhead only. The scaled row repeats it to last as long as Python's (~1 ms).
            for (var w = 0; w < 2_000; w++) CpuTask(Work);
            taskTime = Time(() => ScaledCpuTask(Work * 1_000 + Scale), 20);
            BenchRun.Log($"scaled cpu task: {taskTime * 1e3:0.00} ms");
            pool.Map(CpuTask, Enumerable.Repeat(Work, Tasks));
            for (var i = 0; i < run.Runs; i++)
            {
                double pt = double.MaxValue, sc1 = double.MaxValue, pc1 = double.MaxValue, scS = double.MaxValue, pcS = double.MaxValue;
                double c1 = double.MaxValue, ap = double.MaxValue;
                var scaledInput = Enumerable.Repeat(Work * 1_000 + Scale, Tasks).ToArray();
                for (var r = 0; r < Reps; r++)
                {
                    pt = Math.Min(pt, Time(() => pool.Map(Multiply, input)));
                    pc1 = Math.Min(pc1, Time(() => pool.Map(CpuTask, Enumerable.Repeat(Work, Tasks))));
                    sc1 = Math.Min(sc1, Time(() => { for (var t = 0; t < Tasks; t++) CpuTask(Work); }));
                    pcS = Math.Min(pcS, Time(() => pool.Map(ScaledCpuTask, scaledInput)));
                    scS = Math.Min(scS, Time(() => { for (var t = 0; t < Tasks; t++) ScaledCpuTask(scaledInput[t]); }));
                    c1 = Math.Min(c1, Time(() => pool.Map(Multiply, Enumerable.Range(0, Tiny), chunksize: 1)));
                    ap = Math.Min(ap, Time(() => { for (var t = 0; t < Applies; t++) pool.Apply(Multiply, t); }));
                }
                chunk1.Add(c1 / Tiny * 1e6);
                apply.Add(ap / Applies * 1e6);
                trivial.Add(Items / pt);
                speedupSame.Add(sc1 / pc1);
                speedupScaled.Add(scS / pcS);
                BenchRun.Log($"run {i + 1}/{run.Runs}: trivial {trivial[^1]:0} items/s, cpu speed-up same-size {speedupSame[^1]:0.00}x, scaled {speedupScaled[^1]:0.00}x, " +
                             $"a task with chunksize 1 {chunk1[^1]:0.0} us, an Apply {apply[^1]:0.0} us");
            }
        }

        var section = new Section("Pool map");
        section.Intro.Add($"The shape of `pool_map.py`: a coordinator with 2 local worker nodes, `mp.Pool(2)` (one pool worker per node), " +
                          $"warmed first. (a) `pool.Map(x => x * 2, {Items:N0} ints)` with Python's default chunksize (125,000): items/s. " +
                          $"(b) {Tasks:N0} CPU-bound tasks (`sum of i*i for i < {Work}`) by `pool.Map` against a serial loop in the " +
                          $"coordinator: speed-up. (c) What one task costs: `pool.Map(x => x * 2, {Tiny:N0} ints, chunksize: 1)` per task, " +
                          $"and {Applies:N0} `pool.Apply` round trips, against Python's `pool.map(double, range({Tiny}), chunksize=1)` and " +
                          $"`pool.apply`. Each timing is the best of {Reps} interleaved repetitions, as in the anchor; medians over runs.");
        var pyTrivial = Py("trivial_pool_items_per_s");
        var pySpeedup = Py("cpu_speedup");
        section.Rows.Add(new Row("Pool(2).Map trivial, 1M ints", "items/s", Stats.Of(trivial), pyTrivial, false, $">= {TrivialTarget}x Python",
            pyTrivial is not { } p ? Verdict.NotJudged : Stats.Of(trivial).Median >= TrivialTarget * p ? Verdict.Pass : Verdict.Miss));
        section.Rows.Add(new Row($"Pool(2).Map CPU-bound, x{Scale} tasks ({taskTime * 1e3:0.0} ms each here)", "speed-up", Stats.Of(speedupScaled), pySpeedup, false, $">= {SpeedupTarget}x",
            Stats.Of(speedupScaled).Median >= SpeedupTarget ? Verdict.Pass : Verdict.Miss));
        section.Rows.Add(new Row("Pool(2).Map CPU-bound, anchor-size tasks (~20 us here)", "speed-up", Stats.Of(speedupSame), pySpeedup, false, "not judged",
            Verdict.NotJudged));
        foreach (var (label, ours, field) in new[] { ($"Pool(2).Map of {Tiny:N0} no-op tasks, chunksize 1: per task", chunk1, "chunk1_task_us"),
                                                     ("Pool(2).Apply round trip", apply, "apply_us") })
        {
            var py = Py(field);
            section.Rows.Add(new Row(label, "us", Stats.Of(ours), py, true, "<= Python",
                py is not { } anchor ? Verdict.NotJudged : Stats.Of(ours).Median <= anchor ? Verdict.Pass : Verdict.Miss));
        }
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python medians over {python.Count} runs of `pool_map.py` (fork): trivial {MarkdownWriter.Num(pyTrivial!.Value)} items/s " +
              $"(serial {MarkdownWriter.Num(Py("trivial_serial_items_per_s")!.Value)}), CPU-bound speed-up {pySpeedup:0.00}x " +
              $"({MarkdownWriter.Num(Py("cpu_serial_tasks_per_s")!.Value)} serial tasks/s, efficiency {Py("cpu_pool_efficiency"):0.00}).");
        section.Notes.Add("C# runs the anchor's CPU task far faster than CPython, " +
                          $"so a task of the same size is mostly pool overhead; the judged row repeats the task x{Scale} so that one task " +
                          "lasts about as long as Python's (~1 ms on an idle machine). The serial loop runs in the coordinator, the pool's tasks in the two worker nodes.");
        return section;
    }

    private static int Multiply(int x) => x * 2;

    private static long CpuTask(int n)
    {
        long sum = 0;
        for (long i = 0; i < n; i++) sum += i * i;
        return sum;
    }

    // Input = work * 1000 + repeats, so that one int carries both.
    private static long ScaledCpuTask(int spec)
    {
        long sum = 0;
        for (var r = 0; r < spec % 1_000; r++) sum += CpuTask(spec / 1_000) + r;
        return sum;
    }

    private static double Time(Action action, int times = 1)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < times; i++) action();
        return watch.Elapsed.TotalSeconds / times;
    }
}
