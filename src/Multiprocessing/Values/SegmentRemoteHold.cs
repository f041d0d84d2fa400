using Akka.Actor;
using Multiprocessing.Shared;

namespace Multiprocessing.Values;

/// <summary>
/// A segment's lock word held for the processes that cannot map it (other hosts) by the actor serving them, under one
/// synthetic owner of this process, so that local and remote holders exclude each other. Taken at once when free,
/// else waited for on a thread of its own (a futex wait must never block the actor's dispatcher), which then sends
/// <see cref="StorageLockTaken"/> to the actor.
/// </summary>
internal sealed class SegmentRemoteHold(SharedSegment segment)
{
    // Not a managed thread id (those are positive): the owner that stands for every remote holder.
    private const int RemoteOwner = -1;

    private readonly CancellationTokenSource _stopWaiting = new();
    private readonly object _gate = new(); // between the actor and its waiting thread, about _closed
    private bool _closed;
    private bool _waiting;

    /// <summary>Closed: the actor serves no one any more (its creator ended); a wait under way gives up.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate) return _closed;
        }
    }

    // Never reentrant: the word is held once for whichever remote holder the actor serves, and a take while its
    // waiting thread already took it (its message still on the way) must fail, not count a second level.
    public bool TryTake() => segment.Acquire(RemoteOwner, block: false, null, CancellationToken.None, reentrant: false);

    /// <summary>True while the word is held for the actor (a Lock may have been released by a process of this host meanwhile).</summary>
    public bool IsHeld => segment.IsOwnedBy(RemoteOwner);

    /// <summary>Waits for the word on a thread of its own, then tells <paramref name="actor"/>; one wait at a time.</summary>
    public void WaitFor(IActorRef actor)
    {
        if (_waiting) return;
        _waiting = true;
        var stop = _stopWaiting.Token;
        new Thread(() =>
        {
            try
            {
                segment.Acquire(RemoteOwner, block: true, null, stop, reentrant: false);
            }
            catch (OperationCanceledException)
            {
                return; // closed: the actor stops with its creator
            }
            lock (_gate)
            {
                if (_closed) segment.ReleaseFully(RemoteOwner);
                else actor.Tell(new StorageLockTaken(0));
            }
        }) { IsBackground = true, Name = "mp-segment-remote-lock" }.Start();
    }

    /// <summary>The actor received <see cref="StorageLockTaken"/>: the word is held for it (unless closed since).</summary>
    public void Taken() => _waiting = false;

    /// <summary>
    /// Frees the word if it is still held for the actor (else a process of this host released the Lock meanwhile, as
    /// anyone may); with <paramref name="abandoned"/>, its next holder learns that the remote holder died holding it.
    /// </summary>
    public void Release(bool abandoned = false)
    {
        if (!IsHeld) return;
        if (abandoned) segment.MarkAbandoned();
        segment.ReleaseFully(RemoteOwner);
    }

    /// <summary>True once after the word was taken from a dead holder.</summary>
    public bool ConsumeAbandoned() => segment.ConsumeAbandoned();

    /// <summary>The creator ended: no more waiting, and the word is not left held by this process's remote owner.</summary>
    public void Close()
    {
        lock (_gate) _closed = true;
        _stopWaiting.Cancel();
        segment.WakeAll();
        segment.ReleaseFully(RemoteOwner);
    }
}
