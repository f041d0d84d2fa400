using Akka.Actor;
using Multiprocessing.Messages.Direct;

namespace Multiprocessing.Messages.Pools;

// A pool is a dispatcher actor on the node that created it and pool-worker actors (routees)
// deployed on the worker nodes by a cluster round-robin router. Work goes out in chunks, each one
// payload (an array of items); the target of a job travels once per worker, with its first chunk.
// A worker holds a few chunks at a time (credit: more of them when they run fast), and answers each
// with one result or one error, so the dispatcher always knows which worker holds which chunk.
// Small chunks given to one worker at once travel together, and so do the answers of chunks a
// worker ran back to back: one message carries many fast tasks. Between a pool's dispatcher and its
// workers, messages take the nodes' direct links (IDirectMessage), so one may overtake another: a
// worker keeps a chunk that came before its job's target until the target comes, and forgets late
// chunks of a job it was told to forget.

/// <summary>A pool worker is up and can take chunks (sent to the dispatcher from its node).</summary>
public sealed record PoolWorkerReady(IActorRef Worker) : IMpMessage;

/// <summary>Run chunk <paramref name="Chunk"/> of job <paramref name="JobId"/>: <paramref name="Target"/> is the job's serialized target when this worker has not had it yet, else null.</summary>
public sealed record RunChunk(long JobId, int Chunk, byte[]? Target, byte[] Items) : IPayloadCarrier, IDirectMessage
{
    public long PayloadBytes => (Target?.LongLength ?? 0) + Items.LongLength;

    public IReadOnlyList<byte[]> Payload => Target is null ? [Items] : [Target, Items];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) =>
        Target is null ? this with { Items = payload[0] } : this with { Target = payload[0], Items = payload[1] };
}

/// <summary>A worker's answer to one chunk: its results or its error.</summary>
public interface IChunkAnswer : IDirectMessage
{
    long JobId { get; }

    int Chunk { get; }
}

/// <summary>Several small chunks for one worker, in the order it runs them.</summary>
public sealed record RunChunks(IReadOnlyList<RunChunk> Chunks) : IDirectMessage;

/// <summary>
/// The results of a chunk, one payload (an array, in the order of the chunk's items); <paramref name="RunMicroseconds"/>
/// is how long the target took on it (how much work the dispatcher queues on a worker follows it).
/// </summary>
public sealed record ChunkDone(long JobId, int Chunk, byte[] Results, long RunMicroseconds) : IPayloadCarrier, IChunkAnswer
{
    public long PayloadBytes => Results.LongLength;

    public IReadOnlyList<byte[]> Payload => [Results];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Results = payload[0] };
}

/// <summary>A chunk failed: the exception raised by the target (type, message and the worker's stack trace).</summary>
public sealed record ChunkFailed(long JobId, int Chunk, string ExceptionType, string Message, string StackTrace, string Worker) : IChunkAnswer;

/// <summary>The answers (<see cref="ChunkDone"/>, <see cref="ChunkFailed"/>) of chunks a worker ran back to back, in order.</summary>
public sealed record ChunksAnswered(IReadOnlyList<IChunkAnswer> Answers) : IDirectMessage;

/// <summary>Give back the chunks not started yet (the worker seems stuck on a long one while another idles); answered <see cref="ChunksReturned"/>.</summary>
public sealed record ReturnChunks : IDirectMessage
{
    public static readonly ReturnChunks Instance = new();
}

/// <summary>One chunk a worker gave back: it never runs there.</summary>
public sealed record ReturnedChunk(long JobId, int Chunk);

/// <summary>The chunks a worker gave back (none, if it had started them all); the one that carried a job's target stays.</summary>
public sealed record ChunksReturned(IReadOnlyList<ReturnedChunk> Chunks) : IDirectMessage;

/// <summary>The job is settled: the worker may drop its target.</summary>
public sealed record ForgetJob(long JobId) : IDirectMessage;
