using System.Collections.Concurrent;
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
/// One Map/Imap/Apply call on the node that made it: the serialized target, the chunks ready to go
/// (filled by the caller, or by a feeder reading a lazy input), and where results go. The dispatcher
/// owns the rest of its state.
/// </summary>
internal sealed class PoolJob(long id, byte[] target, IPoolJobSink sink)
{
    /// <summary>-1 while the input is still being read.</summary>
    private int _totalChunks = -1;

    public long Id { get; } = id;
    public byte[] Target { get; } = target;
    public IPoolJobSink Sink { get; } = sink;

    /// <summary>Serialized chunks not yet handed to the dispatcher, in input order.</summary>
    public ConcurrentQueue<(int Chunk, byte[] Items)> Ready { get; } = new();

    public int TotalChunks => Volatile.Read(ref _totalChunks);

    /// <summary>Called after the last chunk was enqueued to <see cref="Ready"/>.</summary>
    public void InputEnded(int totalChunks) => Volatile.Write(ref _totalChunks, totalChunks);

    // Owned by the dispatcher actor.
    internal Queue<(int Chunk, byte[] Items)> Retries { get; } = new();

    /// <summary>Chunks held by workers whose node became unreachable, to run elsewhere too (not suspects: not run alone).</summary>
    internal Queue<(int Chunk, byte[] Items)> Reassigned { get; } = new();
    internal Dictionary<int, int> Deaths { get; } = [];
    internal HashSet<IActorRef> WorkersWithTarget { get; } = [];
    internal AnsweredChunks Answered { get; } = new();
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
