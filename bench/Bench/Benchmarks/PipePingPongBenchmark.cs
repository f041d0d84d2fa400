using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// Round trip of an int over <c>mp.Pipe&lt;int&gt;()</c> between the main process and a child
/// that answers x + 1, in the shape of the Python anchor pipe_pingpong.py.
/// </summary>
public sealed class PipePingPongBenchmark : IBenchmark
{
    private const int RoundTrips = 20_000; // as pipe_pingpong.py
    private const int WarmUp = 2_000;
    private const double TargetRatio = 2.0;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    public string Name => "pipe";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("pipe_pingpong.py", out var pythonError);
        double? pythonRtt = python is null ? null : PythonAnchor.Field(python, "mean_rtt_us").Median;

        var spawn = new List<double>();
        var actor = new List<double>();
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            var actorContext = mp.GetContext(MpStartMethod.Actor);
            for (var i = 0; i < run.Runs; i++)
            {
                await mp.WaitForSpawnSparesAsync();
                spawn.Add(Measure(mp));
                actor.Add(Measure(actorContext));
                BenchRun.Log($"run {i + 1}/{run.Runs}: pipe round trip spawn {spawn[^1]:0.0} us, actor {actor[^1]:0.0} us");
            }
        }

        var section = new Section("Pipe round trip");
        section.Intro.Add($"The shape of `pipe_pingpong.py`: `var (a, b) = mp.Pipe<int>()`, a child process answers every int " +
                          $"with int + 1 on `b`; the main process does {RoundTrips} times `a.Send(x); x = a.Recv()` after {WarmUp} " +
                          "warm-up round trips, and checks the final value. Mean round trip in microseconds. The child's end moves " +
                          "into the child's process, so each message goes straight between the two processes.");
        section.Rows.Add(PipeRow("Pipe round trip, child by spawn", spawn, pythonRtt));
        section.Rows.Add(PipeRow("Pipe round trip, child by actor", actor, pythonRtt));
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python: median mean RTT over {python.Count} runs of `pipe_pingpong.py` (fork): {MarkdownWriter.Num(pythonRtt!.Value)} us. " +
              "The `Remote echo` section below measures the floor of the transport: a plain Akka.Remote round trip.");
        return section;
    }

    private static void Echo(MpConnection<int> conn)
    {
        while (conn.Recv() is var x && x >= 0) conn.Send(x + 1);
    }

    /// <summary>Mean round trip in microseconds.</summary>
    internal static double Measure(MpContext ctx)
    {
        var (mine, theirs) = ctx.Pipe<int>();
        var child = ctx.Process(Echo, theirs);
        child.Start();
        try
        {
            var x = 0;
            for (var i = 0; i < WarmUp; i++) { mine.Send(x); x = mine.Recv(); }
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < RoundTrips; i++) { mine.Send(x); x = mine.Recv(); }
            var elapsed = watch.Elapsed;
            if (x != WarmUp + RoundTrips) throw new InvalidOperationException($"Echo ended at {x}, expected {WarmUp + RoundTrips}.");
            mine.Send(-1);
            if (!child.Join(WaitLimit)) throw new TimeoutException($"{child} did not end within {WaitLimit}.");
            return elapsed.TotalMilliseconds * 1000 / RoundTrips;
        }
        catch
        {
            if (child.IsAlive) child.Kill();
            throw;
        }
    }

    private static Row PipeRow(string metric, List<double> ours, double? python)
    {
        var stats = Stats.Of(ours);
        var verdict = python is not { } p ? Verdict.NotJudged : stats.Median <= p * TargetRatio ? Verdict.Pass : Verdict.Miss;
        return new Row(metric, "us", stats, python, true, $"<= {TargetRatio:0}x Python", verdict);
    }
}
