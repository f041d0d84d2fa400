using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// Acquire + release of an <c>mp.Lock()</c> that lives in the main process, from a child: each
/// call is one request parked or answered by the lock's actor, so a pair costs two remote round
/// trips and no polling. Measured against a one-round-trip query (<c>Event.IsSet()</c>) from the
/// same child in the same run, and shown beside Python's locked Value increment (a POSIX
/// semaphore in shared memory: not the same thing, the closest anchor there is).
/// </summary>
public sealed class LockRoundTripBenchmark : IBenchmark
{
    private const int Pairs = 2_000;
    private const int WarmUp = 1_000;
    private const int Blocks = 10;
    private const double MaxRoundTripsPerPair = 2.5;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(120);

    public string Name => "lock";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("value_incr.py", out var pythonError);
        double? pythonUs = python is null ? null : 1e6 / PythonAnchor.Field(python, "locked_incr_per_s").Median;

        var spawn = new List<(double Pair, double RoundTrip)>();
        var actor = new List<(double Pair, double RoundTrip)>();
        var contended = new List<double>();
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            var actorContext = mp.GetContext(MpStartMethod.Actor);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                spawn.Add(Measure(mp, 1)[0]);
                actor.Add(Measure(actorContext, 1)[0]);
                await mp.WaitForSpawnSparesAsync();
                contended.Add(Measure(mp, 2).Max(m => m.Pair));
                BenchRun.Log($"run {i + 1}/{run.Runs}: lock pair spawn {spawn[^1].Pair:0.0} us (query {spawn[^1].RoundTrip:0.0} us), " +
                             $"actor {actor[^1].Pair:0.0} us (query {actor[^1].RoundTrip:0.0} us), 2 spawned children contending {contended[^1]:0.0} us");
            }
        }

        var section = new Section("Lock acquire/release across processes");
        section.Intro.Add($"A child process does {Pairs} times `lk.Acquire(); lk.Release();` on a `mp.Lock()` made by the main process " +
                          $"(after {WarmUp} warm-up pairs), and {Pairs} times `ev.IsSet()` on a `mp.Event()` of the main process: a query that is " +
                          "exactly one remote round trip, in alternating blocks. Microseconds per pair and per query. Contended: two spawned children at once, " +
                          "each one's time per pair (the slower child).");
        section.Rows.Add(PairRow("Lock acquire+release, child by spawn", spawn.Select(m => m.Pair), pythonUs));
        section.Rows.Add(PairRow("Lock acquire+release, child by actor", actor.Select(m => m.Pair), pythonUs));
        section.Rows.Add(PairRow("Lock acquire+release, 2 spawned children contending", contended, pythonUs));
        section.Rows.Add(RoundTripsRow("Round trips per acquire+release, spawn", spawn));
        section.Rows.Add(RoundTripsRow("Round trips per acquire+release, actor", actor));
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python: `value_incr.py` (fork), median over {python.Count} runs: {MarkdownWriter.Num(pythonUs!.Value)} us per locked increment " +
              "(`with v.get_lock(): v.value += 1`, a POSIX semaphore in shared memory between 2 processes). Our lock is an actor reached over " +
              "Akka.Remote, so it costs remote round trips; same-host shared-memory locking is the Value/Array fast path.");
        return section;
    }

    private static void LockLoop(MpLock lk, MpEvent ev, MpQueue<double[]> results, int pairs)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            lk.Acquire();
            lk.Release();
            ev.IsSet();
        }
        // Blocks of pairs and of queries alternate, so that both see the same JIT tiers and load.
        var pairTime = TimeSpan.Zero;
        var queryTime = TimeSpan.Zero;
        var watch = new Stopwatch();
        for (var block = 0; block < Blocks; block++)
        {
            watch.Restart();
            for (var i = 0; i < pairs / Blocks; i++)
            {
                lk.Acquire();
                lk.Release();
            }
            pairTime += watch.Elapsed;
            watch.Restart();
            for (var i = 0; i < pairs / Blocks; i++) ev.IsSet();
            queryTime += watch.Elapsed;
        }
        var count = pairs / Blocks * Blocks;
        results.Put([pairTime.TotalMilliseconds * 1000 / count, queryTime.TotalMilliseconds * 1000 / count]);
    }

    internal static List<(double Pair, double RoundTrip)> Measure(MpContext ctx, int children)
    {
        var lk = ctx.Lock();
        var ev = ctx.Event();
        var results = ctx.Queue<double[]>();
        var processes = Enumerable.Range(0, children).Select(_ => ctx.Process(LockLoop, lk, ev, results, Pairs)).ToList();
        processes.ForEach(p => p.Start());
        try
        {
            foreach (var p in processes)
                if (!p.Join(WaitLimit) || p.ExitCode != 0) throw new InvalidOperationException($"{p} did not end well within {WaitLimit}.");
            return [.. Enumerable.Range(0, children).Select(_ => results.Get(block: true, WaitLimit)!).Select(r => (r[0], r[1]))];
        }
        finally
        {
            foreach (var p in processes.Where(p => p.IsAlive)) p.Kill();
        }
    }

    private static Row PairRow(string metric, IEnumerable<double> ours, double? python) =>
        new(metric, "us", Stats.Of(ours), python, true, "no like-for-like anchor (see note)", Verdict.NotJudged);

    private static Row RoundTripsRow(string metric, List<(double Pair, double RoundTrip)> measured)
    {
        var stats = Stats.Of(measured.Select(m => m.Pair / m.RoundTrip));
        var verdict = stats.Median <= MaxRoundTripsPerPair ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, "round trips", stats, null, true, $"<= {MaxRoundTripsPerPair} (one per call, no polling)", verdict);
    }
}
