using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Event</c> across processes and hosts: a flag that waiters wait for.
/// A wait is parked by the event and answered when it is set: no polling. Make one with
/// <see cref="MpContext.Event"/>.
/// </summary>
public sealed class MpEvent
{
    private readonly SharedObjectAddress _address;

    internal MpEvent(SharedObjectAddress address) => _address = address;

    public bool IsSet() => Blocking.Wait(() => IsSetAsync());

    public async Task<bool> IsSetAsync(CancellationToken cancellationToken = default) =>
        await _address.AskAsync(id => new EventIsSet(id), cancellationToken) is SyncFlag { Value: true };

    /// <summary>Sets the flag and wakes every waiter.</summary>
    public void Set() => Blocking.Wait(() => SetAsync());

    /// <summary><see cref="Set"/>; a cancellation before it is sent sets nothing (<see cref="OperationCanceledException"/>).</summary>
    public Task SetAsync(CancellationToken cancellationToken = default) => _address.AskAsync(id => new EventSet(id), cancellationToken);

    public void Clear() => Blocking.Wait(() => ClearAsync());

    public Task ClearAsync(CancellationToken cancellationToken = default) => _address.AskAsync(id => new EventClear(id), cancellationToken);

    /// <summary>Waits until the flag is set: true, or false when <paramref name="timeout"/> passed first.</summary>
    public bool Wait(TimeSpan? timeout = null) => Blocking.Wait(() => WaitAsync(timeout));

    /// <summary>Waits until the flag is set (true), <paramref name="timeout"/> passes (false) or the cancellation (<see cref="OperationCanceledException"/>).</summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var token = ProcessToken.Of(_address.Runtime);
        var reply = await _address.RequestAsync(id => new EventWait(id, token), SyncCalls.WaitFor(true, timeout), cancellationToken);
        return reply is SyncFlag { Value: true };
    }
}
