using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Barrier</c> across processes and hosts: <see cref="Parties"/>
/// callers of <see cref="Wait"/> wait for each other, then go on together, each with a distinct
/// index 0..parties-1 (arrival order). The action, if any, runs once per round in the process of
/// the last arrival before the others are released. A wait that times out, an <see cref="Abort"/>,
/// a <see cref="Reset"/> while parties wait, or a party whose process dies breaks the barrier:
/// the waits throw <see cref="MpBrokenBarrierException"/>. Make one with <see cref="MpContext.Barrier"/>.
/// </summary>
public sealed class MpBarrier
{
    private readonly SharedObjectAddress _address;
    private readonly Action? _action;
    private readonly TimeSpan? _timeout;

    internal MpBarrier(SharedObjectAddress address, int parties, Action? action, TimeSpan? timeout)
    {
        _address = address;
        Parties = parties;
        _action = action;
        _timeout = timeout;
    }

    /// <summary>How many callers the barrier waits for.</summary>
    public int Parties { get; }

    /// <summary>How many callers wait now (a snapshot).</summary>
    public int NWaiting => Status().Waiting;

    /// <summary>True once broken, until <see cref="Reset"/>.</summary>
    public bool Broken => Status().Broken;

    /// <summary>Waits for the other parties (at most <paramref name="timeout"/>, by default the barrier's); returns this caller's index.</summary>
    public int Wait(TimeSpan? timeout = null) => Blocking.Wait(() => WaitAsync(timeout));

    /// <summary><see cref="Wait"/> that waits asynchronously; a cancellation breaks the barrier, as a timeout does, and throws <see cref="OperationCanceledException"/>.</summary>
    public async Task<int> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var token = ProcessToken.Of(_address.Runtime);
        var reply = await _address.RequestAsync(id => new BarrierWait(id, token, _action is not null), SyncCalls.WaitFor(true, timeout ?? _timeout), cancellationToken);
        switch (reply)
        {
            case BarrierPassed passed:
                return passed.Index;
            case BarrierRunAction run:
                try
                {
                    _action!();
                }
                catch
                {
                    await _address.AskAsync(id => new BarrierActionDone(id, Failed: true));
                    throw;
                }
                if (await _address.AskAsync(id => new BarrierActionDone(id, Failed: false)) is not SyncDone) throw BrokenError();
                return run.Index;
            case BarrierBroken or RequestCancelled:
                throw BrokenError();
            default:
                throw SyncCalls.Unexpected(reply);
        }
    }

    /// <summary>Breaks the barrier: current and later waits throw <see cref="MpBrokenBarrierException"/> until <see cref="Reset"/>.</summary>
    public void Abort() => Blocking.Wait(() => AbortAsync());

    public Task AbortAsync(CancellationToken cancellationToken = default) => _address.AskAsync(id => new BarrierAbort(id), cancellationToken);

    /// <summary>Back to empty and unbroken; parties waiting now get <see cref="MpBrokenBarrierException"/>.</summary>
    public void Reset() => Blocking.Wait(() => ResetAsync());

    public Task ResetAsync(CancellationToken cancellationToken = default) => _address.AskAsync(id => new BarrierReset(id), cancellationToken);

    private BarrierStatusReply Status() =>
        Blocking.Wait(() => _address.AskAsync(id => new BarrierStatus(id))) as BarrierStatusReply
        ?? throw new InvalidOperationException("Unexpected answer from a barrier.");

    private static MpBrokenBarrierException BrokenError() => new("The barrier is broken (a wait timed out, it was aborted or reset, or a party's process ended).");
}
