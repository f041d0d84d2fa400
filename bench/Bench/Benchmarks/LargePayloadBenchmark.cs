using System.Diagnostics;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// The shape of the Python anchor large_payload.py: 100 MiB payloads through a Pipe and through a Queue to a
/// child that answers each with its length; MB/s from handing one over to the answer. One warm-up payload,
/// then three, per method and run.
/// </summary>
public sealed class LargePayloadBenchmark : IBenchmark
{
    private const int Size = 100 * 1024 * 1024; // as large_payload.py
    private const int Payloads = 4; // one warm-up, then three measured

    public string Name => "large_payload";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("large_payload.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var rates = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (rates.TryGetValue(key, out var list) ? list : rates[key] = []).Add(value);
        var payload = new byte[Size];
        for (var i = 0; i < payload.Length; i++) payload[i] = (byte)i;
        await using (var mp = await Mp.StartAsync(new MpOptions { Workers = 2 }))
        {
            for (var i = 0; i < run.Runs; i++)
            {
                foreach (var method in new[] { MpStartMethod.Spawn, MpStartMethod.Actor })
                {
                    var ctx = mp.GetContext(method);
                    await mp.WaitForSpawnSparesAsync();
                    QuietMachine.Wait($"large_payload, pipe, {method}");
                    Add($"pipe {method}", PipeRate(ctx, payload));
                    QuietMachine.Wait($"large_payload, queue, {method}");
                    Add($"queue {method}", QueueRate(ctx, payload));
                    BenchRun.Log($"run {i + 1}/{run.Runs}, {method}: pipe {rates[$"pipe {method}"][^1]:0} MB/s, queue {rates[$"queue {method}"][^1]:0} MB/s");
                }
            }
        }

        var section = new Section("Large payloads (100 MiB through a Pipe and a Queue)");
        section.Intro.Add("The shape of `large_payload.py`: a child receives 100 MiB `byte[]` payloads (`Pipe<byte[]>().Send`, " +
                          "`Queue<byte[]>().Put`) and answers each with its length; MB/s (10^6 bytes) from handing one over to the answer. " +
                          "One warm-up payload, then the median of three, per run. Over half a frame (8 MiB) a payload goes over the direct " +
                          "link between the two nodes (once up; else in 64 KiB chunks through Akka.Remote), its bytes written from the " +
                          "sender's array and read into the receiver's: one copy to serialize a `byte[]`, one to hand it to the child's code. " +
                          "Payload arrays are offered Linux's transparent huge pages: a fresh 100 MiB array faults in 2 MiB pages, not 4 KiB ones.");
        foreach (var (kind, field) in new[] { ("pipe", "pipe_mb_per_s"), ("queue", "queue_mb_per_s") })
            foreach (var method in new[] { MpStartMethod.Spawn, MpStartMethod.Actor })
            {
                var ours = rates[$"{kind} {method}"];
                var verdict = Py(field) is not { } p ? Verdict.NotJudged : Stats.Of(ours).Median >= p ? Verdict.Pass : Verdict.Miss;
                section.Rows.Add(new Row($"100 MiB through a {(kind == "pipe" ? "Pipe" : "Queue")}, {method.ToString().ToLowerInvariant()}", "MB/s",
                    Stats.Of(ours), Py(field), false, ">= Python", verdict));
            }
        section.Notes.Add(python is null
            ? $"Python not measured: {pythonError}."
            : $"Python: medians over {python.Count} runs of `large_payload.py` (fork; pickle through an OS pipe): " +
              $"Pipe {MarkdownWriter.Num(Py("pipe_mb_per_s")!.Value)} MB/s, Queue {MarkdownWriter.Num(Py("queue_mb_per_s")!.Value)} MB/s.");
        return section;
    }

    private static double PipeRate(MpContext ctx, byte[] payload)
    {
        var (mine, theirs) = ctx.Pipe<byte[]>();
        var child = ctx.Process(PipeChild, theirs);
        child.Start();
        var rate = Measure(() => mine.Send(payload), () => BitConverter.ToInt32(mine.Recv()!));
        child.Join(TimeSpan.FromMinutes(2));
        return rate;
    }

    private static double QueueRate(MpContext ctx, byte[] payload)
    {
        var payloads = ctx.Queue<byte[]>();
        var answers = ctx.Queue<int>();
        var child = ctx.Process(QueueChild, payloads, answers);
        child.Start();
        var rate = Measure(() => payloads.Put(payload), () => answers.Get(block: true, TimeSpan.FromMinutes(2)));
        child.Join(TimeSpan.FromMinutes(2));
        return rate;
    }

    // The median MB/s of the measured payloads, after the warm-up one.
    private static double Measure(Action send, Func<int> answer)
    {
        var measured = new List<double>();
        for (var i = 0; i < Payloads; i++)
        {
            var watch = Stopwatch.StartNew();
            send();
            if (answer() != Size) throw new InvalidOperationException("The payload arrived short.");
            measured.Add(Size / 1e6 / watch.Elapsed.TotalSeconds);
        }
        return Stats.Of(measured.Skip(1).ToList()).Median;
    }

    private static void PipeChild(MpConnection<byte[]> conn)
    {
        for (var i = 0; i < Payloads; i++) conn.Send(BitConverter.GetBytes(conn.Recv()!.Length));
    }

    private static void QueueChild(MpQueue<byte[]> payloads, MpQueue<int> answers)
    {
        for (var i = 0; i < Payloads; i++) answers.Put(payloads.Get()!.Length);
    }
}
