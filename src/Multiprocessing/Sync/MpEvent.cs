using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Runtime;
using Multiprocessing.Values;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Event</c> across processes and hosts: a flag that waiters wait for.
/// On the creator's host the flag is in shared memory (reading it is a memory read, a wait sleeps on it
/// until a set wakes it); from other hosts each call is a request to its actor, and a wait is parked there
/// and answered when the flag is set: no polling either way. Make one with <see cref="MpContext.Event"/>.
/// </summary>
public sealed class MpEvent
{
    private readonly SharedObjectAddress _address;
    private readonly SegmentView<SegmentEventFlag> _segment;

    internal MpEvent(SharedObjectAddress address, SegmentLocation? segment = null)
    {
        _address = address;
        _segment = new(segment);
    }

    /// <summary>A new Event of <paramref name="runtime"/>'s current process, held as <paramref name="home"/> says (config by default).</summary>
    internal static MpEvent Create(NodeRuntime runtime, SharedObjectHome? home = null)
    {
        home ??= SharedObjectHomes.Default(runtime);
        if (home == SharedObjectHome.Actor) return new MpEvent(SyncCalls.Host(runtime, new EventState()));
        var segment = SyncSegments.Create(new byte[SegmentEventFlag.Size]);
        var address = SyncCalls.Host(runtime, new SegmentEventState(new SegmentEventFlag(segment)));
        return new MpEvent(address, SegmentLocation.Here(segment, viaActor: home == SharedObjectHome.SegmentViaActor));
    }

    /// <summary>The same event reached as <paramref name="viaActor"/> says (tests mix both paths on one event).</summary>
    internal MpEvent WithPath(bool viaActor) => new(_address, _segment.Location! with { ViaActor = viaActor });

    // This process's view of the flag, on its host (null elsewhere).
    private SegmentEventFlag? Flag => _segment.Get(static segment => new SegmentEventFlag(segment));

    public bool IsSet() => Flag is { } flag ? flag.IsSet : Blocking.Wait(() => IsSetAsync());

    public async Task<bool> IsSetAsync(CancellationToken cancellationToken = default)
    {
        if (Flag is not { } flag) return await _address.AskAsync(id => new EventIsSet(id), cancellationToken) is SyncFlag { Value: true };
        cancellationToken.ThrowIfCancellationRequested();
        return flag.IsSet;
    }

    /// <summary>Sets the flag and wakes every waiter.</summary>
    public void Set() => Change(set: true);

    /// <summary><see cref="Set"/>; a cancellation before it is sent sets nothing (<see cref="OperationCanceledException"/>).</summary>
    public Task SetAsync(CancellationToken cancellationToken = default) => ChangeAsync(set: true, cancellationToken);

    public void Clear() => Change(set: false);

    public Task ClearAsync(CancellationToken cancellationToken = default) => ChangeAsync(set: false, cancellationToken);

    private void Change(bool set)
    {
        if (Flag is null) Blocking.Wait(() => ChangeAsync(set, CancellationToken.None));
        else if (set) Flag.Set();
        else Flag.Clear();
    }

    private Task ChangeAsync(bool set, CancellationToken cancellationToken)
    {
        if (Flag is null) return _address.AskAsync(id => set ? new EventSet(id) : new EventClear(id), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        Change(set);
        return Task.CompletedTask;
    }

    /// <summary>Waits until the flag is set: true, or false when <paramref name="timeout"/> passed first.</summary>
    public bool Wait(TimeSpan? timeout = null) =>
        Flag is { } flag
            ? flag.Wait(SyncCalls.WaitFor(true, timeout), SegmentLockHolds.OfCurrentProcess().Ended) // a terminated Process stops waiting
            : Blocking.Wait(() => WaitAsync(timeout));

    /// <summary>Waits until the flag is set (true), <paramref name="timeout"/> passes (false) or the cancellation (<see cref="OperationCanceledException"/>).</summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Flag is { } flag)
        {
            if (flag.IsSet) return true;
            using var waits = SyncCalls.UntilEnded(cancellationToken, SegmentLockHolds.OfCurrentProcess());
            return await FutexWaits.OnOwnThreadAsync(() => flag.Wait(SyncCalls.WaitFor(true, timeout), waits.Token), flag.WakeAll, waits.Token);
        }
        var token = ProcessToken.Of(_address.Runtime);
        var reply = await _address.RequestAsync(id => new EventWait(id, token), SyncCalls.WaitFor(true, timeout), cancellationToken);
        return reply is SyncFlag { Value: true };
    }
}
