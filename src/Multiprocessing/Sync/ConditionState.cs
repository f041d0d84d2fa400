using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// A Condition's sleepers, oldest first (the lock is a Lock/RLock object of its own). A waiter
/// enlists while it still holds the lock, then releases it and awaits its ticket: a notify that
/// comes in between is kept on the ticket, so none is lost.
/// </summary>
internal sealed class ConditionState : WaitingState
{
    private sealed class Sleeper(IActorRef caller, IActorRef token, long ticket)
    {
        public IActorRef Caller { get; } = caller;
        public IActorRef Token { get; } = token;
        public long Ticket { get; } = ticket;
        public bool Notified { get; set; }
        public long AwaitId { get; set; }
    }

    private readonly List<Sleeper> _sleepers = [];

    public override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        switch (request)
        {
            case ConditionEnlist enlist:
                host.Watch(caller);
                host.Watch(enlist.Token);
                _sleepers.Add(new Sleeper(caller, enlist.Token, enlist.RequestId));
                host.Reply(caller, new SyncDone(enlist.RequestId));
                break;

            case ConditionAwait wait:
                var sleeper = Find(caller, wait.Ticket);
                if (sleeper is null) host.Reply(caller, new SyncRefused(wait.RequestId, "not waiting on this condition"));
                else if (sleeper.Notified) Wake(sleeper, wait.RequestId, host);
                else sleeper.AwaitId = wait.RequestId;
                break;

            case ConditionLeave leave:
                _sleepers.RemoveAll(s => s.Ticket == leave.Ticket && s.Caller.Equals(caller));
                host.Reply(caller, new SyncDone(leave.RequestId));
                break;

            case ConditionNotify notify:
                var woken = 0;
                foreach (var next in _sleepers.Where(s => !s.Notified).Take(notify.Count).ToList())
                {
                    next.Notified = true;
                    if (next.AwaitId != 0) Wake(next, next.AwaitId, host);
                    woken++;
                }
                host.Reply(caller, new SyncCount(notify.RequestId, woken));
                break;

            default:
                throw Unexpected(request);
        }
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        // Not found: it was woken already, and that answer settles it.
        if (_sleepers.RemoveAll(s => s.AwaitId == requestId && s.Caller.Equals(caller) && !s.Notified) > 0)
            host.Reply(caller, new RequestCancelled(requestId));
    }

    public override void Gone(IActorRef actor, ISharedStateHost host) =>
        _sleepers.RemoveAll(s => s.Caller.Equals(actor) || s.Token.Equals(actor));

    public override IEnumerable<IActorRef> Watched => _sleepers.SelectMany(s => new[] { s.Caller, s.Token }).Distinct();

    public override IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests =>
        _sleepers.Where(s => s.AwaitId != 0 && !s.Notified).Select(s => (s.Caller, s.AwaitId));

    private Sleeper? Find(IActorRef caller, long ticket) => _sleepers.Find(s => s.Ticket == ticket && s.Caller.Equals(caller));

    private void Wake(Sleeper sleeper, long awaitId, ISharedStateHost host)
    {
        _sleepers.Remove(sleeper);
        host.Reply(sleeper.Caller, new SyncFlag(awaitId, true));
    }
}
