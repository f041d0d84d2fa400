using Akka.Actor;
using Multiprocessing.Direct;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// Keeps the copy of a replicated Manager object, on the coordinator's keeper, up to date before anything that
/// depends on a change is answered: an answer waits until the copy has every change made before it. One update is
/// on its way at a time and the changes made meanwhile go together in the next, so a busy object pays one round
/// trip per batch of changes, not per change.
/// <list type="bullet">
/// <item>A state that <see cref="SharedState.ReplaysCalls"/> (dict, list, namespace) sends the calls that changed it;
/// once they add up to the state's size at its last whole copy (or 64 KiB), or after a call that may not run the same
/// way twice (a sort), it sends itself whole instead.</item>
/// <item>Any other state (a queue, a lock, a value, a registered object) sends itself whole after a message that
/// changed it. Whether it changed is seen by comparing it, without its record of requests seen, with what was sent.</item>
/// </list>
/// </summary>
internal sealed class ObjectReplication(string entityId, long incarnation, IActorRef keeper, DirectChannel direct, SharedState state,
    Func<object, byte[]> serialize, long copyBytes, long replayedBytes)
{
    /// <summary>A copy of the state's calls is replaced by the whole state once they are this large (or larger than the state).</summary>
    private const long CallsBeforeWholeCopy = 64 * 1024;

    private readonly List<ICorrelated> _calls = [];
    private readonly List<(long Seq, IActorRef Caller, object Answer)> _held = [];
    private long _callBytes;
    private long _copyBytes = copyBytes;
    private long _copiedCallBytes = replayedBytes;
    private bool _touched;
    private bool _wholeCopy;
    private Task _sending = Task.CompletedTask;
    // What a state copied whole was last sent as (without its requests seen): the restored state to begin with.
    private byte[]? _sentContent = state.ReplaysCalls ? null : state.SerializeContent(serialize);
    private long _seq;

    /// <summary>The update on its way, sent again until the keeper acknowledges it.</summary>
    public ReplicateObject? InFlight { get; private set; }

    /// <summary>Changes made that the keeper has not acknowledged yet.</summary>
    public bool Unacknowledged => InFlight is not null || Pending;

    /// <summary>The update on its way is still being written (a large one takes a while): it is not sent again meanwhile.</summary>
    public bool StillSending => !_sending.IsCompleted;

    private bool Pending => _calls.Count > 0 || _touched || _wholeCopy;

    /// <summary>A message is about to be handled: for a state copied whole, it may change it.</summary>
    public void Touch()
    {
        if (!state.ReplaysCalls) _touched = true;
    }

    /// <summary>A call changed a state that replays its calls; one not <paramref name="replayable"/> makes the next update a whole copy.</summary>
    public void Changed(ICorrelated call, bool replayable)
    {
        if (!state.ReplaysCalls) return;
        if (!replayable) _wholeCopy = true;
        _calls.Add(call);
        _callBytes += (call is IPayloadCarrier carrier ? carrier.PayloadBytes : 0) + ObjectChannel.CallEnvelopeBytes;
    }

    /// <summary>Answers now, or once the copy holds every change made so far.</summary>
    public void Reply(IActorRef caller, object answer, Action<IActorRef, object> send)
    {
        if (!Unacknowledged) send(caller, answer);
        else _held.Add((Pending ? _seq + 1 : InFlight!.Seq, caller, answer));
    }

    /// <summary>Sends what changed when nothing is on its way; returns the update sent, if any.</summary>
    public ReplicateObject? Flush(Action<IActorRef, object> send)
    {
        if (InFlight is not null) return null;
        byte[] whole = [];
        if (_touched)
        {
            _touched = false;
            var content = state.SerializeContent(serialize);
            if (_sentContent is not null && content.AsSpan().SequenceEqual(_sentContent)) { Release(_seq + 1, send); return null; }
            _sentContent = content;
            whole = serialize(state);
        }
        else if (_calls.Count == 0) return null;
        else if (_wholeCopy || _copiedCallBytes + _callBytes > Math.Max(_copyBytes, CallsBeforeWholeCopy))
        {
            whole = serialize(state);
            _calls.Clear();
            _wholeCopy = false;
        }
        if (whole.Length > 0)
        {
            _copyBytes = whole.LongLength;
            _copiedCallBytes = 0;
        }
        else _copiedCallBytes += _callBytes;
        InFlight = new ReplicateObject(entityId, incarnation, ++_seq, whole, [.. _calls]);
        _calls.Clear();
        _callBytes = 0;
        Send();
        return InFlight;
    }

    /// <summary>Sends the update on its way again (its acknowledgement is overdue).</summary>
    public void Send()
    {
        if (InFlight is { } update) _sending = direct.Send(keeper, update);
    }

    /// <summary>The keeper has every change up to <paramref name="seq"/>: what waited for them is answered.</summary>
    public bool Acknowledged(ObjectReplicated replicated, Action<IActorRef, object> send)
    {
        if (replicated.Incarnation != incarnation || InFlight?.Seq != replicated.Seq) return false;
        InFlight = null;
        Release(replicated.Seq, send);
        return true;
    }

    /// <summary>Answers everything held (the whole state went to the keeper another way, or the object ends).</summary>
    public void ReleaseAll(Action<IActorRef, object> send) => Release(long.MaxValue, send);

    private void Release(long seq, Action<IActorRef, object> send)
    {
        var released = _held.TakeWhile(h => h.Seq <= seq).ToList();
        _held.RemoveRange(0, released.Count);
        foreach (var (_, caller, answer) in released) send(caller, answer);
    }
}
