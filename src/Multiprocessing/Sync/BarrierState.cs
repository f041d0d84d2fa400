using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// A Barrier for <c>parties</c>: arrivals are parked with their index (arrival order) until the
/// last one comes; with an action, the last one runs it in its own process first. A waiter that
/// gives up (timeout, cancellation) or dies, an abort or a reset break it, as in Python: every
/// waiter is answered BarrierBroken, and so is every wait until a reset.
/// </summary>
internal sealed class BarrierState(int parties) : WaitingState
{
    private readonly int _parties = parties > 0 ? parties : throw new ArgumentOutOfRangeException(nameof(parties), "a barrier needs at least one party");
    private bool _broken;

    // The last arrival runs the action; arrivals meanwhile belong to the next round.
    private Waiter? _runningAction;
    private readonly List<(BarrierWait Wait, IActorRef Caller)> _nextRound = [];

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case BarrierWait wait:
                Arrive(wait, caller, host);
                break;

            case BarrierActionDone done:
                if (_runningAction is null)
                    host.Reply(caller, new BarrierBroken(done.RequestId)); // the round broke meanwhile
                else if (done.Failed)
                {
                    Break(host);
                    host.Reply(caller, new BarrierBroken(done.RequestId));
                }
                else
                {
                    _runningAction = null;
                    ReleaseAll(host);
                    host.Reply(caller, new SyncDone(done.RequestId));
                }
                AdmitNextRound(host);
                break;

            case BarrierAbort abort:
                Break(host);
                host.Reply(caller, new SyncDone(abort.RequestId));
                AdmitNextRound(host);
                break;

            case BarrierReset reset:
                Break(host);
                _broken = false;
                host.Reply(caller, new SyncDone(reset.RequestId));
                AdmitNextRound(host);
                break;

            case BarrierStatus status:
                host.Reply(caller, new BarrierStatusReply(status.RequestId, _parties, Waiters.Count, _broken));
                break;

            default:
                throw Unexpected(request);
        }
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        // A party that stopped waiting leaves the others waiting for nobody: the barrier breaks.
        if (Waiters.RemoveAll(w => w.RequestId == requestId && w.Caller.Equals(caller)) == 0) return;
        host.Reply(caller, new RequestCancelled(requestId));
        Break(host);
        AdmitNextRound(host);
    }

    public override void Gone(IActorRef actor, ISharedStateHost host)
    {
        var runnerGone = _runningAction is { } runner && (runner.Caller.Equals(actor) || runner.Token.Equals(actor));
        if (Waiters.RemoveAll(w => w.Caller.Equals(actor) || w.Token.Equals(actor)) == 0 && !runnerGone) return;
        Break(host);
        AdmitNextRound(host);
    }

    public override IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests =>
        base.ParkedRequests.Concat(_nextRound.Select(n => (n.Caller, n.Wait.RequestId)));

    public override IEnumerable<IActorRef> Watched =>
        _runningAction is { } runner ? base.Watched.Concat([runner.Caller, runner.Token]).Distinct() : base.Watched;

    private void Arrive(BarrierWait wait, IActorRef caller, ISharedStateHost host)
    {
        if (_runningAction is not null)
        {
            _nextRound.Add((wait, caller));
            return;
        }
        if (_broken)
        {
            host.Reply(caller, new BarrierBroken(wait.RequestId));
            return;
        }
        var index = Waiters.Count;
        var arrival = new Waiter(caller, wait.Token, wait.RequestId, Count: index);
        if (index + 1 < _parties)
        {
            Park(arrival, host);
            return;
        }
        if (wait.HasAction)
        {
            host.Watch(caller);
            host.Watch(wait.Token);
            _runningAction = arrival;
            host.Reply(caller, new BarrierRunAction(wait.RequestId, index));
            return;
        }
        ReleaseAll(host);
        host.Reply(caller, new BarrierPassed(wait.RequestId, index));
    }

    private void ReleaseAll(ISharedStateHost host)
    {
        foreach (var waiter in Waiters) host.Reply(waiter.Caller, new BarrierPassed(waiter.RequestId, waiter.Count));
        Waiters.Clear();
    }

    // A broken round ends: the action still running counts for nothing (its runner is told broken).
    private void Break(ISharedStateHost host)
    {
        _broken = true;
        _runningAction = null;
        foreach (var waiter in Waiters) host.Reply(waiter.Caller, new BarrierBroken(waiter.RequestId));
        Waiters.Clear();
    }

    private void AdmitNextRound(ISharedStateHost host)
    {
        var arrivals = _nextRound.ToList();
        _nextRound.Clear();
        foreach (var (wait, caller) in arrivals) Arrive(wait, caller, host);
    }
}
