using Akka.Configuration;

namespace Multiprocessing.Pools;

/// <summary>The <c>multiprocessing.pool</c> section of the configuration, typed (its ranges are checked as it loads: <see cref="Runtime.MpConfigRules"/>).</summary>
internal sealed record PoolSettings(
    int RouteesPerNode,
    int ChunksInFlightPerWorker,
    TimeSpan WorkAheadPerWorker,
    int LazyChunksAhead,
    int MaxChunkAttempts,
    TimeSpan NoWorkerTimeout,
    string WorkerRole)
{
    public static PoolSettings From(Config config)
    {
        var pool = config.GetConfig("multiprocessing.pool");
        return new PoolSettings(
            RouteesPerNode: pool.GetInt("routees-per-node"),
            ChunksInFlightPerWorker: pool.GetInt("chunks-in-flight-per-worker"),
            WorkAheadPerWorker: pool.GetTimeSpan("work-ahead-per-worker"),
            LazyChunksAhead: pool.GetInt("lazy-chunks-ahead"),
            MaxChunkAttempts: pool.GetInt("max-chunk-attempts"),
            NoWorkerTimeout: pool.GetTimeSpan("no-worker-timeout"),
            WorkerRole: pool.GetString("worker-role"));
    }
}
