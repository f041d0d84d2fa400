using Akka.Configuration;

namespace Multiprocessing.Pools;

/// <summary>The <c>multiprocessing.pool</c> section of the configuration, typed.</summary>
internal sealed record PoolSettings(
    int RouteesPerNode,
    int ChunksInFlightPerWorker,
    int LazyChunksAhead,
    int MaxChunkAttempts,
    TimeSpan NoWorkerTimeout,
    string WorkerRole)
{
    public static PoolSettings From(Config config)
    {
        var pool = config.GetConfig("multiprocessing.pool");
        var settings = new PoolSettings(
            RouteesPerNode: pool.GetInt("routees-per-node"),
            ChunksInFlightPerWorker: pool.GetInt("chunks-in-flight-per-worker"),
            LazyChunksAhead: pool.GetInt("lazy-chunks-ahead"),
            MaxChunkAttempts: pool.GetInt("max-chunk-attempts"),
            NoWorkerTimeout: pool.GetTimeSpan("no-worker-timeout"),
            WorkerRole: pool.GetString("worker-role"));
        if (settings.RouteesPerNode < 1 || settings.ChunksInFlightPerWorker < 1 || settings.LazyChunksAhead < 1 || settings.MaxChunkAttempts < 1)
            throw new ArgumentException("multiprocessing.pool: routees-per-node, chunks-in-flight-per-worker, lazy-chunks-ahead and max-chunk-attempts must be at least 1.");
        return settings;
    }
}
