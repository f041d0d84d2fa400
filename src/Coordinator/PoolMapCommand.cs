namespace Multiprocessing.Coordinator;

/// <summary>
/// <c>Coordinator map COUNT [--chunksize N] [--workers N] [--config FILE]</c>: a long Map of a
/// CPU-bound function over COUNT ints on the cluster's pool, with its progress on the console.
/// </summary>
internal static class PoolMapCommand
{
    public const string Usage = "       Coordinator map COUNT [--chunksize N] [--workers N] [--config FILE]";

    /// <returns>The exit code, or null when the arguments are wrong (the caller prints the usage).</returns>
    public static async Task<int?> RunAsync(string[] args)
    {
        if (args.Length == 0 || !int.TryParse(args[0], out var count) || count < 0) return null;
        var options = new MpOptions();
        int? chunksize = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--chunksize" when i + 1 < args.Length && int.TryParse(args[i + 1], out var size) && size > 0:
                    chunksize = size;
                    i++;
                    break;
                case "--workers" when i + 1 < args.Length && int.TryParse(args[i + 1], out var workers) && workers >= 0:
                    options = options with { Workers = workers };
                    i++;
                    break;
                case "--config" when i + 1 < args.Length:
                    options = options with { ConfigFile = args[++i] };
                    break;
                default:
                    return null;
            }
        }

        await using var mp = await Mp.StartAsync(options);
        await using var pool = mp.Pool();
        var progress = new ConsoleProgress(Console.Out, drawBar: !Console.IsOutputRedirected);
        var results = pool.Map(SumOfSquares, Enumerable.Range(0, count), chunksize, progress);
        progress.Finish();
        Console.WriteLine($"map: {results.Count} results, checksum {results.Aggregate(0L, (sum, r) => unchecked(sum + r))}");
        return 0;
    }

    /// <summary>pool_map.py's CPU-bound task, shifted by the item so every result differs.</summary>
    private static long SumOfSquares(int item)
    {
        long sum = item;
        for (long i = 0; i < 20_000; i++) sum += i * i;
        return sum;
    }
}

/// <summary>
/// A Map's progress on the console: a bar redrawn on one line when the output is a terminal,
/// otherwise a plain line at every tenth of the way (logs and pipes get no control characters).
/// </summary>
internal sealed class ConsoleProgress(TextWriter output, bool drawBar) : IProgress<MpPoolProgress>
{
    private const int Width = 30;
    private int _lastTenth = -1;
    private bool _drawn;

    public void Report(MpPoolProgress value)
    {
        if (value.Total == 0) return;
        var fraction = (double)value.Completed / value.Total;
        var percent = value.Completed * 100L / value.Total;
        if (drawBar)
        {
            var filled = (int)(fraction * Width);
            output.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% {value.Completed}/{value.Total}");
            _drawn = true;
            return;
        }
        var tenth = (int)(value.Completed * 10L / value.Total);
        if (tenth == _lastTenth) return;
        _lastTenth = tenth;
        output.WriteLine($"progress: {value.Completed}/{value.Total} ({percent}%)");
    }

    /// <summary>Ends the bar's line, so what follows starts on a line of its own.</summary>
    public void Finish()
    {
        if (_drawn) output.WriteLine();
    }
}
