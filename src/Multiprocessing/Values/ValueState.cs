using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Values;
using Multiprocessing.Shared;

namespace Multiprocessing.Values;

/// <summary>
/// A Value or an Array held by an actor: the elements as bytes and Python's default lock, an
/// RLock (owner + recursion count + waiters in arrival order). A Value is an Array of one
/// element, so one state serves both. Reads and writes of a locked object wait while another
/// owner holds the lock (Python's synchronized get/set); those of the raw object (null owner,
/// or <c>lock: false</c>) never do. Plain fields only: a Manager's Value moves with its state.
/// The storage and the lock word under it are virtual so that <see cref="SegmentValueState"/>
/// serves the same protocol over a shared-memory segment.
/// </summary>
internal class ValueState : SharedState
{
    private sealed record Parked(ICorrelated Request, IActorRef Caller);

    private readonly byte[] _data;
    private readonly bool _withLock;
    private readonly List<Parked> _parked = [];
    private string? _owner;
    private IActorRef? _ownerCaller;
    private int _count;
    private bool _abandoned;
    private bool _storageHeld;

    /// <param name="data">The elements as bytes (the state keeps this array).</param>
    /// <param name="withLock">False for Python's RawValue/RawArray: no lock, acquires are refused.</param>
    public ValueState(byte[] data, bool withLock = true)
    {
        _data = data;
        _withLock = withLock;
    }

    /// <summary>A state for the elements of <paramref name="initial"/> (a Value is one element).</summary>
    public static ValueState Of<T>(ReadOnlySpan<T> initial, bool withLock = true) where T : unmanaged =>
        new(Typecodes.ToBytes(initial), withLock);

    public bool HasLock => _withLock;

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case StorageLockTaken:
                _storageHeld = true;
                Drain(host);
                return;
            case ValueLockAcquire or ValueLockRelease when !_withLock:
                host.Reply(caller, new ValueRefused(request.RequestId, "This object was created with lock: false (Python's RawValue/RawArray): it has no lock."));
                return;
            case ValueLockRelease release:
                Release(release, caller, host);
                return;
            case ValueRead or ValueWrite when !_withLock || OwnerOf(request) is null:
                Serve(request, caller, host);
                return;
        }
        var owner = OwnerOf(request)!;
        if (owner == _owner)
        {
            Serve(request, caller, host);
            return;
        }
        if (_owner is null && _parked.Count == 0 && (_storageHeld || TryTakeStorageLock(host)))
        {
            _storageHeld = true;
            Serve(request, caller, host);
            if (_owner is null) ReleaseStorage();
            return;
        }
        if (request is ValueLockAcquire { Wait: false })
        {
            host.Reply(caller, new ValueLockBusy(request.RequestId));
            return;
        }
        host.Watch(caller);
        _parked.Add(new Parked(request, caller));
        if (_owner is null && !_storageHeld) WaitForStorageLock(host);
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        if (_parked.RemoveAll(p => p.Request.RequestId == requestId && p.Caller.Equals(caller)) > 0)
            host.Reply(caller, new RequestCancelled(requestId));
    }

    /// <summary>The node of the holder ended: the lock is free, and the next holder learns it was abandoned.</summary>
    public override void Gone(IActorRef actor, ISharedStateHost host)
    {
        _parked.RemoveAll(p => p.Caller.Equals(actor));
        if (actor.Equals(_ownerCaller))
        {
            _owner = null;
            _ownerCaller = null;
            _count = 0;
            _abandoned = true;
        }
        Drain(host);
    }

    public override IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests => _parked.Select(p => (p.Caller, p.Request.RequestId));

    public override IEnumerable<IActorRef> Watched =>
        _parked.Select(p => p.Caller).Concat(_ownerCaller is null ? [] : [_ownerCaller]).Distinct();

    protected virtual byte[] ReadBytes(int offset, int count) => _data.AsSpan(offset, count).ToArray();

    protected virtual void WriteBytes(int offset, byte[] bytes) => bytes.CopyTo(_data.AsSpan(offset));

    protected virtual int Size => _data.Length;

    /// <summary>Takes the storage's own lock if it is free right now (the actor-held storage has none).</summary>
    protected virtual bool TryTakeStorageLock(ISharedStateHost host) => true;

    /// <summary>Waits for the storage's own lock elsewhere, then sends <see cref="StorageLockTaken"/> to the host.</summary>
    protected virtual void WaitForStorageLock(ISharedStateHost host) =>
        host.Self.Tell(new StorageLockTaken(0));

    protected virtual void ReleaseStorageLock()
    {
    }

    /// <summary>True once after the storage's lock was taken from a dead holder (reported to the next acquire).</summary>
    protected virtual bool ConsumeStorageAbandoned() => false;

    private static string? OwnerOf(ICorrelated request) => request switch
    {
        ValueRead r => r.Owner,
        ValueWrite w => w.Owner,
        ValueLockAcquire a => a.Owner,
        _ => null,
    };

    private void Serve(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case ValueRead read when !InRange(read.Offset, read.Count):
            case ValueWrite write when !InRange(write.Offset, write.Bytes.Length):
                host.Reply(caller, new ValueRefused(request.RequestId, $"Bytes outside the object's {Size} bytes."));
                break;
            case ValueRead read:
                host.Reply(caller, new ValueData(read.RequestId, ReadBytes(read.Offset, read.Count)));
                break;
            case ValueWrite write:
                WriteBytes(write.Offset, write.Bytes);
                host.Reply(caller, new ValueDone(write.RequestId));
                break;
            case ValueLockAcquire acquire:
                var abandoned = false;
                if (_owner is null)
                {
                    _owner = acquire.Owner;
                    _ownerCaller = caller;
                    host.Watch(caller);
                    abandoned = _abandoned | ConsumeStorageAbandoned();
                    _abandoned = false;
                }
                _count++;
                host.Reply(caller, new ValueLockGranted(acquire.RequestId, abandoned));
                break;
        }
    }

    private void Release(ValueLockRelease release, IActorRef caller, ISharedStateHost host)
    {
        if (_owner != release.Owner)
        {
            host.Reply(caller, new ValueRefused(release.RequestId, "cannot release un-acquired lock"));
            return;
        }
        host.Reply(caller, new ValueDone(release.RequestId));
        if (--_count > 0) return;
        _owner = null;
        _ownerCaller = null;
        Drain(host);
    }

    // The lock is free: serve what waits, in order, until someone holds it again.
    private void Drain(ISharedStateHost host)
    {
        while (_owner is null && _parked.Count > 0)
        {
            if (!_storageHeld)
            {
                if (!TryTakeStorageLock(host))
                {
                    WaitForStorageLock(host);
                    return;
                }
                _storageHeld = true;
            }
            var next = _parked[0];
            _parked.RemoveAt(0);
            Serve(next.Request, next.Caller, host);
        }
        if (_owner is null) ReleaseStorage();
    }

    private void ReleaseStorage()
    {
        if (!_storageHeld) return;
        _storageHeld = false;
        ReleaseStorageLock();
    }

    private bool InRange(int offset, int count) => offset >= 0 && count >= 0 && offset + count <= Size;
}
