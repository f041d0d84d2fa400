using Akka.Actor;
using Multiprocessing.Messages.Pools;

namespace Multiprocessing.Pools;

/// <summary>Where a job's outcome goes: the Map result being assembled, or the Imap consumer.</summary>
internal interface IPoolJobSink
{
    void ChunkDone(int chunk, byte[] results);

    /// <summary>The target raised in a worker (the job goes on; the sink decides whether it ends).</summary>
    void ChunkFailed(ChunkFailed failure);

    /// <summary>The job cannot go on (a chunk killed its workers too often, no workers, pool terminated).</summary>
    void Failed(Exception error);

    /// <summary>Every chunk of the job has been answered.</summary>
    void Completed();
}

/// <summary>
/// One Map/Imap/Apply call on the node that made it: the serialized target and where results go, set by the caller;
/// the rest is the dispatcher's alone, fed by its messages (the input comes in <see cref="PoolDispatcherActor.ChunksReady"/>).
/// </summary>
internal sealed class PoolJob(long id, byte[] target, IPoolJobSink sink)
{
    public long Id { get; } = id;
    public byte[] Target { get; } = target;
    public IPoolJobSink Sink { get; } = sink;

    // Owned by the dispatcher actor.

    /// <summary>Serialized chunks not yet handed to a worker, in input order.</summary>
    internal Queue<(int Chunk, byte[] Items)> Ready { get; } = new();

    /// <summary>-1 while the input is still being read.</summary>
    internal int TotalChunks { get; private set; } = -1;

    /// <summary>The input ended after <paramref name="totalChunks"/> chunks.</summary>
    internal void InputEnded(int totalChunks) => TotalChunks = totalChunks;

    internal Queue<(int Chunk, byte[] Items)> Retries { get; } = new();

    /// <summary>
    /// Chunks taken from a worker, to run elsewhere (not suspects: not run alone): held by a worker whose node became
    /// unreachable (they may run there too), or given back unstarted by a worker stuck on a long one.
    /// </summary>
    internal Queue<(int Chunk, byte[] Items)> Reassigned { get; } = new();
    internal Dictionary<int, int> Deaths { get; } = [];
    internal HashSet<IActorRef> WorkersWithTarget { get; } = [];
    internal AnsweredChunks Answered { get; } = new();

    /// <summary>How long its chunks take to run (the credit of its workers follows it).</summary>
    internal ChunkRunTime RunTime { get; } = new();
}

/// <summary>
/// The chunks of a job already answered, kept as "every chunk below a mark" plus the few above it
/// (answers come nearly in order), so an endless Imap does not grow it.
/// </summary>
internal sealed class AnsweredChunks
{
    private readonly HashSet<int> _above = [];
    private int _below;

    public int Count => _below + _above.Count;

    public bool Contains(int chunk) => chunk < _below || _above.Contains(chunk);

    public bool Add(int chunk)
    {
        if (Contains(chunk)) return false;
        _above.Add(chunk);
        while (_above.Remove(_below)) _below++;
        return true;
    }
}
