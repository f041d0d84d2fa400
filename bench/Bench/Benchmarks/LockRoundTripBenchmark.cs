using System.Diagnostics;
using Multiprocessing.Shared;
using Multiprocessing.Sync;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// An <c>mp.Lock()</c> and an <c>mp.Event()</c> of the main process, used from children, against Python's (<c>lock_pair.py</c>,
/// the same shapes): acquire + release and <c>Event.IsSet()</c> from one child; two children contending for the lock, each
/// counting its pairs in a window (the slower one's time per pair, and whether both got their share); and the same lock
/// reached as from another host (through its creator's actor), whose pair must cost about two round trips, no polling.
/// </summary>
public sealed class LockRoundTripBenchmark : IBenchmark
{
    private const int WarmUp = 1_000;
    private const int Blocks = 10;
    private const int MaxCalls = 200_000; // as lock_pair.py's PAIRS
    private const double MaxRoundTripsPerPair = 2.5;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1); // per kind of call: the actor path does fewer calls
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(0.5); // as lock_pair.py's WINDOW
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(120);

    public string Name => "lock";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("lock_pair.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var spawn = new List<(double Pair, double Query)>();
        var actor = new List<(double Pair, double Query)>();
        var remote = new List<(double Pair, double Query)>();
        var slower = new List<double>();
        var fairness = new List<double>();
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            var actorContext = mp.GetContext(MpStartMethod.Actor);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                spawn.Add(Measure(mp, mp.Lock(), mp.Event()));
                actor.Add(Measure(actorContext, actorContext.Lock(), actorContext.Event()));
                await mp.WaitForSpawnSparesAsync();
                var counts = Contend(mp);
                slower.Add(Window.TotalMicroseconds / counts.Min());
                fairness.Add((double)counts.Min() / counts.Max());
                await mp.WaitForSpawnSparesAsync();
                remote.Add(MeasureThroughActor(mp));
                BenchRun.Log($"run {i + 1}/{run.Runs}: lock pair spawn {spawn[^1].Pair:0.000} us (IsSet {spawn[^1].Query:0.000} us), " +
                             $"actor {actor[^1].Pair:0.000} us (IsSet {actor[^1].Query:0.000} us), 2 contending: {counts[0]} / {counts[1]} pairs, " +
                             $"through the actor {remote[^1].Pair:0.0} us (IsSet {remote[^1].Query:0.0} us)");
            }
        }

        var section = new Section("Lock acquire/release across processes");
        section.Intro.Add("A child process does `lk.Acquire(); lk.Release();` on a `mp.Lock()` made by the main process, and `ev.IsSet()` on a " +
                          $"`mp.Event()` of the main process, in alternating blocks after {WarmUp} warm-up calls of each: as many calls as fit in " +
                          $"{Budget.TotalSeconds:0} s of each kind, at most {MaxCalls}; microseconds per call. Contending: two spawned children wait at a " +
                          $"Barrier, then each takes and releases the lock as often as it can for {Window.TotalSeconds} s; the slower child's time per " +
                          "pair, and its count over the other's (1 is an even share). Through the actor: the same lock reached as from another host " +
                          "(every call a request to the lock's actor in the main process, which holds the shared-memory word for its remote holders), with an Event reached the same way.");
        section.Rows.Add(Judged("Lock acquire+release, child by spawn", "us", spawn.Select(m => m.Pair), Py("pair_us"), 2));
        section.Rows.Add(Judged("Lock acquire+release, child by actor", "us", actor.Select(m => m.Pair), Py("pair_us"), 2));
        section.Rows.Add(Judged("Event.IsSet, child by spawn", "us", spawn.Select(m => m.Query), Py("is_set_us"), 2));
        section.Rows.Add(Judged("Event.IsSet, child by actor", "us", actor.Select(m => m.Query), Py("is_set_us"), 2));
        section.Rows.Add(Judged("Lock, 2 spawned children contending: the slower child's time per pair (vs Python's uncontended pair)", "us",
            slower, Py("pair_us"), 5));
        section.Rows.Add(new Row("Lock, 2 spawned children contending: pairs of the slower child / the faster's", "ratio", Stats.Of(fairness),
            Py("contended_fairness"), false, "not judged: neither starves", Verdict.NotJudged));
        section.Rows.Add(new Row("Lock acquire+release through the lock's actor (as from another host), child by spawn", "us",
            Stats.Of(remote.Select(m => m.Pair)), null, true, "-", Verdict.NotJudged));
        var roundTrips = Stats.Of(remote.Select(m => m.Pair / m.Query));
        section.Rows.Add(new Row("Round trips per acquire+release through the lock's actor", "round trips", roundTrips, null, true,
            $"<= {MaxRoundTripsPerPair} (one per call, no polling)", roundTrips.Median <= MaxRoundTripsPerPair ? Verdict.Pass : Verdict.Miss));
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python medians over {python.Count} runs of `lock_pair.py` (fork): pair {MarkdownWriter.Num(Py("pair_us")!.Value)} us, " +
              $"`is_set()` {MarkdownWriter.Num(Py("is_set_us")!.Value)} us, contending: the slower child {MarkdownWriter.Num(Py("contended_slower_pair_us")!.Value)} us " +
              $"a pair, share {MarkdownWriter.Num(Py("contended_fairness")!.Value)}. Its Lock is a POSIX semaphore in shared memory, its Event a Condition " +
              "and a semaphore.");
        section.Notes.Add("On one host our Lock is a futex word in a shared-memory segment (compare-and-swap, a short spin, then a futex wait), " +
                          "owned by the calling thread of the current Process. The round-trip row divides the time of a pair through the actor by " +
                          "that of an `IsSet` (one request) from the same child.");
        return section;
    }

    private static MpLock ThroughActor(MpContext mp) => new(LockClient.Create(mp.Runtime, reentrant: false, SharedObjectHome.SegmentViaActor));

    private static Row Judged(string metric, string unit, IEnumerable<double> ours, double? python, double times)
    {
        var stats = Stats.Of(ours);
        var verdict = python is null ? Verdict.NotJudged : stats.Median <= times * python.Value ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, unit, stats, python, true, $"<= {times}x Python", verdict);
    }

    private static void Alone(MpLock lk, MpEvent ev, MpQueue<double[]> results)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            lk.Acquire();
            lk.Release();
            ev.IsSet();
        }
        // Blocks of pairs and of queries alternate, so that both see the same JIT tiers and load.
        var (pairTime, pairs, queryTime, queries) = (TimeSpan.Zero, 0, TimeSpan.Zero, 0);
        for (var block = 0; block < Blocks; block++)
        {
            pairTime += Calls(() =>
            {
                lk.Acquire();
                lk.Release();
            }, ref pairs);
            queryTime += Calls(() => ev.IsSet(), ref queries);
        }
        results.Put([pairTime.TotalMicroseconds / pairs, queryTime.TotalMicroseconds / queries]);
    }

    // One block: calls in hundreds until the block's share of the budget or of the calls is spent.
    private static TimeSpan Calls(Action call, ref int count)
    {
        var watch = Stopwatch.StartNew();
        var done = 0;
        while (done < MaxCalls / Blocks && watch.Elapsed < Budget / Blocks)
            for (var i = 0; i < 100; i++, done++) call();
        count += done;
        return watch.Elapsed;
    }

    private static void Contend(MpLock lk, MpBarrier start, MpQueue<long> results)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            lk.Acquire();
            lk.Release();
        }
        start.Wait();
        var count = 0L;
        var end = Stopwatch.GetTimestamp() + (long)(Window.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            lk.Acquire();
            lk.Release();
            count++;
        }
        results.Put(count);
    }

    private static long[] Contend(MpContext ctx)
    {
        var lk = ctx.Lock();
        var start = ctx.Barrier(2);
        var results = ctx.Queue<long>();
        return Run(ctx, [.. Enumerable.Range(0, 2).Select(_ => ctx.Process(Contend, lk, start, results))], results);
    }

    /// <summary>One child's time per pair and per IsSet, in microseconds.</summary>
    internal static (double Pair, double Query) Measure(MpContext ctx, MpLock lk, MpEvent ev)
    {
        var results = ctx.Queue<double[]>();
        var measured = Run(ctx, [ctx.Process(Alone, lk, ev, results)], results)[0];
        return (measured[0], measured[1]);
    }

    /// <summary><see cref="Measure"/> on a lock reached through its actor, as from another host (what TLS is on).</summary>
    internal static (double Pair, double Query) MeasureThroughActor(MpContext ctx) =>
        Measure(ctx, ThroughActor(ctx), MpEvent.Create(ctx.Runtime, SharedObjectHome.SegmentViaActor));

    private static T[] Run<T>(MpContext ctx, List<MpProcess> processes, MpQueue<T> results)
    {
        processes.ForEach(p => p.Start());
        try
        {
            foreach (var p in processes)
                if (!p.Join(WaitLimit) || p.ExitCode != 0) throw new InvalidOperationException($"{p} did not end well within {WaitLimit}.");
            return [.. processes.Select(_ => results.Get(block: true, WaitLimit)!)];
        }
        finally
        {
            foreach (var p in processes.Where(p => p.IsAlive)) p.Kill();
        }
    }
}
