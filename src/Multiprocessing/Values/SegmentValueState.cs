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

    private readonly CancellationTokenSource _stopWaiting = new();
    private readonly object _gate = new(); // between the actor and its waiting thread, about _closed
    private bool _closed;
    private bool _waiting;

    /// <summary>
    /// Sent to the actor when the creating process ends, before it stops: the segment's lock must not
    /// stay held by this process's remote owner, or processes still mapping the segment would wait forever.
    /// </summary>
    public sealed record CreatorEnded(long RequestId) : ICorrelated;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case CreatorEnded:
                lock (_gate) _closed = true;
                _stopWaiting.Cancel();
                segment.WakeAll();
                segment.ReleaseFully(RemoteOwner);
                return;
            case StorageLockTaken:
                _waiting = false;
                if (_closed) return; // released by CreatorEnded
                break;
            case var _ when _closed:
                host.Reply(caller, new Messages.Values.ValueRefused(request.RequestId, "The process that created this Value/Array has ended."));
                return;
        }
        base.Handle(request, caller, host);
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
        var stop = _stopWaiting.Token;
        new Thread(() =>
        {
            try
            {
                segment.Acquire(RemoteOwner, block: true, null, stop);
            }
            catch (OperationCanceledException)
            {
                return; // the creator ended: the actor stops with it
            }
            lock (_gate)
            {
                if (_closed) segment.ReleaseFully(RemoteOwner);
                else self.Tell(new StorageLockTaken(0));
            }
        }) { IsBackground = true, Name = "mp-value-remote-lock" }.Start();
    }

    protected override void ReleaseStorageLock() => segment.Release(RemoteOwner);

    protected override bool ConsumeStorageAbandoned() => segment.ConsumeAbandoned();
}
