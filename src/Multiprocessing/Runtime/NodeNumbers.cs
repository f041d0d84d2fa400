namespace Multiprocessing.Runtime;

/// <summary>The numbers a node gives what it names, each counted from 1 on that node (a test may run several in one OS process).</summary>
internal sealed class NodeNumbers
{
    private int _pools;
    private int _poolWorkers;
    private long _managers;
    private long _processTokens;

    /// <summary>A pool's number, in its actors' names.</summary>
    public int NextPool() => Interlocked.Increment(ref _pools);

    /// <summary>A pool worker's number, in its process name (Python's <c>ForkPoolWorker-N</c>).</summary>
    public int NextPoolWorker() => Interlocked.Increment(ref _poolWorkers);

    /// <summary>A Manager's number, in its objects' ids (only the coordinator makes Managers, so they are the cluster's).</summary>
    public long NextManager() => Interlocked.Increment(ref _managers);

    /// <summary>A process token's number, in its actor's name.</summary>
    public long NextProcessToken() => Interlocked.Increment(ref _processTokens);
}
