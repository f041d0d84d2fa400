using Spectre.Console;
using Spectre.Console.Rendering;

namespace Multiprocessing.Coordinator;

/// <summary>An <see cref="MpStatus"/> as sections of rows: Spectre.Console tables on a terminal, aligned plain lines otherwise.</summary>
internal static class StatusView
{
    private sealed record Section(string Title, string[] Headers, List<string[]> Rows);

    public static IRenderable Render(MpStatus status, string seed)
    {
        var tables = Sections(status).Select(section =>
        {
            var table = new Table().Title(section.Title);
            foreach (var header in section.Headers) table.AddColumn(header);
            foreach (var row in section.Rows) table.AddRow([.. row.Select(Markup.Escape)]);
            return (IRenderable)table;
        });
        return new Rows([new Text($"{seed} at {status.Taken:HH:mm:ss} (Ctrl+C to quit)"), .. tables]);
    }

    public static void WritePlain(MpStatus status, TextWriter output)
    {
        foreach (var section in Sections(status))
        {
            output.WriteLine($"{section.Title}:");
            var rows = section.Rows.Prepend(section.Headers).ToList();
            var widths = Enumerable.Range(0, section.Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
                output.WriteLine("  " + string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    private static IEnumerable<Section> Sections(MpStatus status)
    {
        yield return new Section($"nodes ({status.Nodes.Count})", ["NAME", "ROLE", "STATE", "PID", "CPU", "MEMORY", "MANAGER OBJECTS", "ADDRESS"],
            [.. status.Nodes.Select(n => new[]
            {
                n.Name, n.Role, n.State, n.Pid?.ToString() ?? "-",
                n.CpuTime is { } cpu ? $"{cpu.TotalSeconds:0.0}s" : "-",
                n.MemoryBytes is { } memory ? $"{memory / (1024.0 * 1024):0} MiB" : "-",
                n.ManagerObjects.ToString(),
                n.Address,
            })]);
        yield return new Section($"processes ({status.Processes.Count})", ["NAME", "HOST", "PID"],
            [.. status.Processes.Select(p => new[] { p.Name, p.Host ?? "(being placed)", p.Pid?.ToString() ?? "-" })]);
        yield return new Section($"pools ({status.Pools.Count})", ["POOL", "WORKERS", "JOB", "PROGRESS"],
            [.. status.Pools.SelectMany(p => p.Jobs.Count == 0
                ? [new[] { p.Name, p.Workers.ToString(), "-", "idle" }]
                : p.Jobs.Select(j => new[] { p.Name, p.Workers.ToString(), j.Id.ToString(), Progress(j) }))]);
        yield return new Section($"queues ({status.Queues.Count})", ["QUEUE", "SIZE", "MAXSIZE", "UNFINISHED", "WAITING GETS", "WAITING PUTS"],
            [.. status.Queues.Select(q => new[]
            {
                q.Name, q.Size.ToString(), q.MaxSize == 0 ? "-" : q.MaxSize.ToString(), q.Unfinished.ToString(),
                q.WaitingConsumers.ToString(), q.WaitingProducers.ToString(),
            })]);
    }

    private static string Progress(MpPoolJobStatus job) => job.ChunksTotal is { } total
        ? $"{job.ChunksDone}/{total} chunks ({(total == 0 ? 100 : job.ChunksDone * 100L / total)}%)"
        : $"{job.ChunksDone} chunks (input still being read)";
}
