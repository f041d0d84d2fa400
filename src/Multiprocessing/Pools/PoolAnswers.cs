using Multiprocessing.Messages;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Pools;

namespace Multiprocessing.Pools;

/// <summary>
/// A pool worker's answers on their way to its dispatcher. An answer goes at once when no other chunk waits on the
/// worker (an Apply's, the last of a job's). While more wait, answers gather and go together in one
/// <see cref="ChunksAnswered"/>: sent by the worker's actor as soon as it runs (so that no answer waits for the next
/// chunk to finish, however long that one takes), or by the worker's thread once they fill a message.
/// </summary>
internal sealed class PoolAnswers(Action<IDirectMessage> send, Action scheduleFlush, long maxBytes)
{
    /// <summary>Answers one message carries at most: as many chunks as a worker may hold.</summary>
    private const int MaxAnswers = PoolDispatcherActor.MaxChunksInFlight;

    private readonly object _gate = new();
    private List<IChunkAnswer> _pending = [];
    private long _bytes;

    /// <summary>A chunk ran; <paramref name="moreQueued"/>: another waits on the worker, so its answer may go with the next ones.</summary>
    public void Add(IChunkAnswer answer, bool moreQueued)
    {
        // An error goes alone: its text is bounded to fit a frame by itself (RemoteExceptions), not beside others.
        var bytes = answer is IPayloadCarrier carrier ? carrier.PayloadBytes : maxBytes;
        IDirectMessage? before = null, now = null;
        bool schedule;
        lock (_gate)
        {
            if (_bytes + bytes > maxBytes) before = TakePending(); // it does not fit beside them (alone, a large one goes in pieces)
            _pending.Add(answer);
            _bytes += bytes;
            if (!moreQueued || _pending.Count >= MaxAnswers || _bytes >= maxBytes) now = TakePending();
            schedule = now is null && _pending.Count == 1;
        }
        // Written outside the lock: a write that waits for a busy peer holds no other sender of this worker.
        if (before is not null) send(before);
        if (now is not null) send(now);
        if (schedule) scheduleFlush();
    }

    /// <summary>Sends whatever gathered (the worker's actor, once it runs; the worker, as it stops).</summary>
    public void Flush()
    {
        IDirectMessage? pending;
        lock (_gate) pending = TakePending();
        if (pending is not null) send(pending);
    }

    // What gathered, as one message, or null; the answers may then leave out of order, which the dispatcher takes as it comes.
    private IDirectMessage? TakePending()
    {
        if (_pending.Count == 0) return null;
        IDirectMessage taken = _pending.Count == 1 ? _pending[0] : new ChunksAnswered(_pending);
        _pending = [];
        _bytes = 0;
        return taken;
    }
}
