using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Shared;

namespace Multiprocessing.Sync;

/// <summary>
/// What every synchronisation state shares: the requests parked until they can be answered, in
/// arrival order. A parked request watches its caller (the node's reply inbox) and its process
/// token, so a waiter whose node or process died is dropped instead of being granted to nobody.
/// </summary>
internal abstract class WaitingState : SharedState
{
    /// <summary>A parked request. <paramref name="Thread"/>, <paramref name="Count"/>: what a lock records of its owner.</summary>
    protected sealed record Waiter(IActorRef Caller, IActorRef Token, long RequestId, int Thread = 0, int Count = 1);

    protected List<Waiter> Waiters { get; } = [];

    protected void Park(Waiter waiter, ISharedStateHost host)
    {
        host.Watch(waiter.Caller);
        host.Watch(waiter.Token);
        Waiters.Add(waiter);
    }

    protected Waiter TakeFirst()
    {
        var first = Waiters[0];
        Waiters.RemoveAt(0);
        return first;
    }

    public override void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
        if (Waiters.RemoveAll(w => w.RequestId == requestId && w.Caller.Equals(caller)) > 0)
            host.Reply(caller, new RequestCancelled(requestId));
    }

    public override void Gone(IActorRef actor, ISharedStateHost host) =>
        Waiters.RemoveAll(w => w.Caller.Equals(actor) || w.Token.Equals(actor));

    public override IEnumerable<IActorRef> Watched => Waiters.SelectMany(w => new[] { w.Caller, w.Token }).Distinct();

    public override IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests => Waiters.Select(w => (w.Caller, w.RequestId));

    protected static InvalidOperationException Unexpected(ICorrelated request) =>
        new($"{request.GetType().Name} is not a request this shared object understands.");
}
