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
    // Stands in for Seen while the state is serialized for a comparison (never written).
    private static readonly SeenRequests NoneSeen = new();

    /// <summary>Requests received lately, so that one sent twice runs once (Manager objects: see <see cref="SeenRequests"/>).</summary>
    public SeenRequests Seen { get; private set; } = new();

    /// <summary>
    /// True when a request sent again needs no record of requests seen: the state answers a change again from its kept
    /// answers (<see cref="TryAnswerAgain"/>), and a read may run twice (Manager containers, which never park a request).
    /// </summary>
    public virtual bool KeepsAnswers => false;

    /// <summary>The state serialized without <see cref="Seen"/>, which every request changes: equal bytes, equal objects.</summary>
    public byte[] SerializeContent(Func<object, byte[]> serialize)
    {
        var seen = Seen;
        Seen = NoneSeen;
        try
        {
            return serialize(this);
        }
        finally
        {
            Seen = seen;
        }
    }

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

    /// <summary>
    /// A request this object ran already, sent again (its answer was lost on the way, or with a node): answers it as
    /// the first time and returns true. The states that can (Manager containers) keep their recent answers for this.
    /// </summary>
    public virtual bool TryAnswerAgain(ICorrelated request, IActorRef caller, ISharedStateHost host) => false;

    /// <summary>
    /// True when this state's copy is kept up to date by the calls that changed it (<see cref="ISharedStateHost.Changed"/>,
    /// run again with <see cref="Replay"/>); false when by a copy of the whole state after each change.
    /// </summary>
    public virtual bool ReplaysCalls => false;

    /// <summary>Runs again a call this state told <see cref="ISharedStateHost.Changed"/> of, on a copy taken before it ran.</summary>
    public virtual void Replay(ICorrelated call) => throw new NotSupportedException($"{GetType().Name} is copied whole, not replayed.");
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

    /// <summary>
    /// Answers <paramref name="caller"/> from this host: an answer that carries user data, as a transfer when it is large.
    /// A Manager's replicated object holds the answer until its copy has every change made so far.
    /// </summary>
    void Reply(IActorRef caller, object reply) => caller.Tell(reply, Self);

    /// <summary>
    /// <paramref name="call"/> changed a state that <see cref="SharedState.ReplaysCalls"/>: it goes into its copy before it is
    /// answered; one not <paramref name="replayable"/> (it may not run the same way twice) makes the copy whole.
    /// </summary>
    void Changed(ICorrelated call, bool replayable)
    {
    }
}
