using System.CommandLine;

namespace Multiprocessing.Coordinator;

/// <summary>
/// <c>Coordinator map COUNT [--chunksize N] [--workers N] [--config FILE] [--auth FILE]</c>: a long Map of a
/// CPU-bound function over COUNT ints on the cluster's pool, with its progress on the console.
/// </summary>
internal static class PoolMapCommand
{
    public const string Usage = "       Coordinator map COUNT [--chunksize N] [--workers N] [--config FILE] [--auth FILE]";

    public static Command Create()
    {
        var count = CommandLineRules.AtLeast(new Argument<int>("COUNT") { Description = "How many items to map." }, 0);
        var chunksize = CommandLineRules.AtLeast(new Option<int?>("--chunksize") { Description = "Items per chunk (default: Python's).", HelpName = "N" }, 1);
        var cluster = new ClusterArguments();
        var command = new Command("map", "A long CPU-bound Map on the cluster's pool, with its progress.") { count, chunksize };
        cluster.AddTo(command);
        command.SetAction((parsed, cancellationToken) =>
            RunAsync(parsed.GetValue(count), parsed.GetValue(chunksize), cluster.Read(parsed), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int count, int? chunksize, MpOptions options, CancellationToken cancellationToken)
    {
        await using var mp = await Mp.StartAsync(options, cancellationToken);
        await using var pool = mp.Pool();
        var results = await ConsoleProgress.ShowAsync("map", progress =>
            pool.MapAsync(SumOfSquares, Enumerable.Range(0, count), chunksize, progress: progress, cancellationToken: cancellationToken)
                .GetAsync(cancellationToken));
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
