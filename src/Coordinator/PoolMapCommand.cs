namespace Multiprocessing.Coordinator;

/// <summary>
/// <c>Coordinator map COUNT [--chunksize N] [--workers N] [--config FILE] [--auth FILE]</c>: a long Map of a
/// CPU-bound function over COUNT ints on the cluster's pool, with its progress on the console.
/// </summary>
internal static class PoolMapCommand
{
    public const string Usage = "       Coordinator map COUNT [--chunksize N] [--workers N] [--config FILE] [--auth FILE]";

    /// <returns>The exit code, or null when the arguments are wrong (the caller prints the usage).</returns>
    public static async Task<int?> RunAsync(string[] args)
    {
        if (args.Length == 0 || !int.TryParse(args[0], out var count) || count < 0) return null;
        var options = new MpOptions();
        int? chunksize = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (ClusterArguments.TryTake(args, ref i, ref options)) continue;
            if (args[i] == "--chunksize" && i + 1 < args.Length && int.TryParse(args[i + 1], out var size) && size > 0)
            {
                chunksize = size;
                i++;
                continue;
            }
            return null;
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
