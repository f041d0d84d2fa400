using Multiprocessing.Messages;
using Multiprocessing.Shared;
using Akka.Actor;

namespace Multiprocessing.Values;

/// <summary>
/// The actor side of a same-host Value or Array, for the processes that cannot map its segment
/// (other hosts): the same protocol as <see cref="ValueState"/>, over the segment's bytes, and
/// its RLock holds the segment's lock word for them (<see cref="SegmentRemoteHold"/>), so local
/// and remote holders exclude each other. Lives only in the creating process (never moves).
/// </summary>
internal sealed class SegmentValueState(SharedSegment segment, bool withLock) : ValueState([], withLock)
{
    private readonly SegmentRemoteHold _hold = new(segment);

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
                _hold.Close();
                return;
            case StorageLockTaken:
                _hold.Taken();
                if (_hold.IsClosed) return; // released by CreatorEnded
                break;
            case var _ when _hold.IsClosed:
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

    protected override bool TryTakeStorageLock(ISharedStateHost host) => _hold.TryTake();

    protected override void WaitForStorageLock(ISharedStateHost host) => _hold.WaitFor(host.Self);

    protected override void ReleaseStorageLock() => _hold.Release();

    protected override bool ConsumeStorageAbandoned() => _hold.ConsumeAbandoned();
}
