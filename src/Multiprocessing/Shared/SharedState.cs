using Akka.Actor;
using Multiprocessing.Messages;

namespace Multiprocessing.Shared;

/// <summary>
/// The state and operations of one shared object (a lock, a value, a dict...), whatever hosts it:
/// a <see cref="SharedObjectActor"/> for objects made by a context (<c>mp.Lock()</c>), a sharded
/// entity for a Manager's. The whole object serializes (plain fields, actor refs included), so a
/// Manager's object moves to another node with its state and its parked requests.
/// </summary>
internal abstract class SharedState
{
    /// <summary>Requests received lately, so that one sent twice runs once (Manager objects: see <see cref="SeenRequests"/>).</summary>
    public SeenRequests Seen { get; } = new();

    /// <summary>Handles one request of <paramref name="caller"/>: answers it now, or parks it and answers later (a blocked acquire).</summary>
    public abstract void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host);

    /// <summary>
    /// The caller gave up on request <paramref name="requestId"/>: if it is parked, drop it and answer
    /// <see cref="RequestCancelled"/>; if not, it was answered already and that answer settles it.
    /// </summary>
    public virtual void Cancel(long requestId, IActorRef caller, ISharedStateHost host)
    {
    }

    /// <summary>A one-way message (not a request): nothing is answered (a queue's items given back).</summary>
    public virtual void HandleOneWay(IMpMessage message, ISharedStateHost host)
    {
    }

    /// <summary>An actor passed to <see cref="ISharedStateHost.Watch"/> terminated (a process that held a lock, a node with waiters).</summary>
    public virtual void Gone(IActorRef actor, ISharedStateHost host)
    {
    }

    /// <summary>This state now runs on a new host (it moved with its Manager object): take up what lives outside it again.</summary>
    public virtual void Resumed(ISharedStateHost host)
    {
    }

    /// <summary>The actors to watch again after this state moved to another host.</summary>
    public virtual IEnumerable<IActorRef> Watched => [];

    /// <summary>The requests parked now: answered ObjectDisposedException when the Manager hosting this object is disposed.</summary>
    public virtual IEnumerable<(IActorRef Caller, long RequestId)> ParkedRequests => [];
}

/// <summary>What a <see cref="SharedState"/> may ask of the actor hosting it.</summary>
internal interface ISharedStateHost
{
    /// <summary>The sender to use for replies.</summary>
    IActorRef Self { get; }

    /// <summary>Calls <see cref="SharedState.Gone"/> when <paramref name="actor"/> terminates.</summary>
    void Watch(IActorRef actor);

    /// <summary>The consumption ledgers of this host's processes that a queue lends items to (mapped while it does).</summary>
    Queues.LedgerReaders Ledgers { get; }

    /// <summary>Answers <paramref name="caller"/> from this host: an answer that carries user data, as a transfer when it is large.</summary>
    void Reply(IActorRef caller, object reply) => caller.Tell(reply, Self);
}
