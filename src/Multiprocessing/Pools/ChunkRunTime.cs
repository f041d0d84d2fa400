namespace Multiprocessing.Pools;

/// <summary>How long a job's target takes on one chunk, as its workers report it: a moving mean that follows a change within a few chunks.</summary>
internal sealed class ChunkRunTime
{
    /// <summary>Weight of the newest report (1/8): one odd chunk moves the mean, a run of them replaces it.</summary>
    private const double NewestWeight = 1.0 / 8;

    /// <summary>Microseconds; null until a chunk has been answered.</summary>
    public double? Mean { get; private set; }

    public void Add(long microseconds) => Mean = Mean is { } mean ? mean + (microseconds - mean) * NewestWeight : microseconds;
}
