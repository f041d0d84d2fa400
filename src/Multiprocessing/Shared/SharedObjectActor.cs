using Akka.Actor;
using Multiprocessing.Messages;

namespace Multiprocessing.Shared;

/// <summary>Hosts a <see cref="SharedState"/> as a plain actor: objects made by a context live in the process that made them.</summary>
internal sealed class SharedObjectActor : ReceiveActor, ISharedStateHost
{
    private readonly HashSet<IActorRef> _watched = [];

    public SharedObjectActor(SharedState state)
    {
        Receive<CancelRequest>(cancel => state.Cancel(cancel.RequestId, Sender, this));
        Receive<ICorrelated>(request => state.Handle(request, Sender, this));
        Receive<IMpMessage>(message => state.HandleOneWay(message, this));
        Receive<Terminated>(t =>
        {
            _watched.Remove(t.ActorRef);
            state.Gone(t.ActorRef, this);
        });
    }

    IActorRef ISharedStateHost.Self => Self;

    public Queues.LedgerReaders Ledgers { get; } = new();

    protected override void PostStop() => Ledgers.Dispose();

    public void Watch(IActorRef actor)
    {
        if (_watched.Add(actor)) Context.Watch(actor);
    }

    public static Props Props(SharedState state) => Akka.Actor.Props.Create(() => new SharedObjectActor(state));
}
