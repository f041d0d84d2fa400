using Multiprocessing.Messages;
using Multiprocessing.Shared;
using Akka.Actor;

namespace Multiprocessing.Values;

/// <summary>
/// The actor side of a same-host Value or Array, for the processes that cannot map its segment
/// (other hosts): the same protocol as <see cref="ValueState"/>, over the segment's bytes, and
/// its RLock holds the segment's lock word for them under a synthetic owner of this process, so
/// local and remote holders exclude each other. Lives only in the creating process (never moves).
/// </summary>
internal sealed class SegmentValueState(SharedSegment segment, bool withLock) : ValueState([], withLock)
{
    // Not a managed thread id (those are positive): the owner that stands for every remote holder.
    private const int RemoteOwner = -1;

    private readonly CancellationTokenSource _closed = new();
    private bool _waiting;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        if (request is StorageLockTaken) _waiting = false;
        base.Handle(request, caller, host);
    }

    /// <summary>The creating process ended: a wait for the segment's lock stops.</summary>
    public void Close()
    {
        _closed.Cancel();
        segment.WakeAll();
    }

    protected override int Size => segment.DataSize;

    protected override byte[] ReadBytes(int offset, int count)
    {
        var bytes = new byte[count];
        segment.ReadBytes(offset, bytes);
        return bytes;
    }

    protected override void WriteBytes(int offset, byte[] bytes) => segment.WriteBytes(offset, bytes);

    protected override bool TryTakeStorageLock(ISharedStateHost host) =>
        segment.Acquire(RemoteOwner, block: false, null, CancellationToken.None);

    // The wait blocks on the futex: on a thread of its own, never on the actor's dispatcher.
    protected override void WaitForStorageLock(ISharedStateHost host)
    {
        if (_waiting) return;
        _waiting = true;
        var self = host.Self;
        var closed = _closed.Token;
        new Thread(() =>
        {
            try
            {
                segment.Acquire(RemoteOwner, block: true, null, closed);
                self.Tell(new StorageLockTaken(0));
            }
            catch (OperationCanceledException)
            {
                // The creator ended: the actor stops with it.
            }
        }) { IsBackground = true, Name = "mp-value-remote-lock" }.Start();
    }

    protected override void ReleaseStorageLock() => segment.Release(RemoteOwner);

    protected override bool ConsumeStorageAbandoned() => segment.ConsumeAbandoned();
}
