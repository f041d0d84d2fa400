using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Runtime;

namespace Multiprocessing.Shared;

/// <summary>Hosts a <see cref="SharedState"/> as a plain actor: objects made by a context live in the process that made them.</summary>
internal sealed class SharedObjectActor : ReceiveActor, ISharedStateHost
{
    private readonly HostDeathWatch _deaths;

    public SharedObjectActor(SharedState state)
    {
        _deaths = new HostDeathWatch(Context);
        Receive<CancelRequest>(cancel => state.Cancel(cancel.RequestId, Sender, this));
        Receive<ICorrelated>(request => state.Handle(request, Sender, this));
        Receive<Terminated>(t =>
        {
            _deaths.Terminated(t.ActorRef);
            state.Gone(t.ActorRef, this);
        });
        Receive<HostGone>(host =>
        {
            foreach (var actor in _deaths.Gone(host)) state.Gone(actor, this);
        });
        Receive<HostDeathWatch.AlreadyGone>(gone => state.Gone(gone.Actor, this));
        Receive<IMpMessage>(message => state.HandleOneWay(message, this)); // after HostGone, which is one too
    }

    IActorRef ISharedStateHost.Self => Self;

    public Queues.LedgerReaders Ledgers { get; } = new();

    protected override void PostStop() => Ledgers.Dispose();

    public void Watch(IActorRef actor) => _deaths.Watch(actor);

    public void Reply(IActorRef caller, object reply) => Transfers.PayloadTransfers.Get(Context.System).Tell(caller, reply, Self);

    public static Props Props(SharedState state) => Akka.Actor.Props.Create(() => new SharedObjectActor(state));
}
