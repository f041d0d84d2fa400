using Akka.Actor;

namespace Multiprocessing.Shared;

/// <summary>
/// The requests a Manager's object received lately, per caller node: a request its caller sent again
/// (the first copy seemed lost while the object moved, see Correlator) runs once. Request ids grow per
/// caller and a caller sends again only what is unanswered, so the last few hundred ids per caller
/// suffice. Part of the object's state: it moves with it.
/// </summary>
internal sealed class SeenRequests
{
    private const int PerCaller = 512;

    private sealed class Caller(IActorRef inbox)
    {
        public IActorRef Inbox { get; } = inbox;
        public long[] Ids { get; } = new long[PerCaller];
        public int Next { get; set; }
    }

    private readonly List<Caller> _callers = [];

    /// <summary>True the first time <paramref name="caller"/>'s request <paramref name="requestId"/> is seen.</summary>
    public bool FirstTime(IActorRef caller, long requestId)
    {
        var known = _callers.Find(c => c.Inbox.Equals(caller));
        if (known is null) _callers.Add(known = new Caller(caller));
        if (Array.IndexOf(known.Ids, requestId) >= 0) return false;
        known.Ids[known.Next] = requestId;
        known.Next = (known.Next + 1) % PerCaller;
        return true;
    }

    /// <summary>True when <paramref name="caller"/>'s request <paramref name="requestId"/> was seen (and is still remembered).</summary>
    public bool Contains(IActorRef caller, long requestId) => _callers.Find(c => c.Inbox.Equals(caller)) is { } known && Array.IndexOf(known.Ids, requestId) >= 0;

    /// <summary>These requests as they are now, apart from those seen later.</summary>
    public SeenRequests Copy()
    {
        var copy = new SeenRequests();
        foreach (var caller in _callers)
        {
            var kept = new Caller(caller.Inbox) { Next = caller.Next };
            caller.Ids.CopyTo(kept.Ids, 0);
            copy._callers.Add(kept);
        }
        return copy;
    }

    /// <summary>Forgets a caller that is gone.</summary>
    public void Forget(IActorRef caller) => _callers.RemoveAll(c => c.Inbox.Equals(caller));
}
