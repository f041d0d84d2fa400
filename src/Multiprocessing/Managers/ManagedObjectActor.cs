using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// A Manager's object as a sharded entity on a worker node: hosts a <see cref="SharedState"/> like
/// <see cref="SharedObjectActor"/> does, and never exists without it. Starting, it fetches its state
/// from the coordinator's <see cref="ManagerKeeperActor"/> (the initial state, or the one saved
/// when its shard moved), stashing requests until then; handed off, it saves its state there
/// before it stops; disposed (or lost with a dead worker) it answers every request with the reason.
/// </summary>
internal sealed class ManagedObjectActor : ReceiveActor, IWithUnboundedStash, ISharedStateHost
{
    private readonly string _entityId;
    private readonly ICanTell _keeper;
    private readonly HostDeathWatch _deaths;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private SharedState? _state;

    public ManagedObjectActor(string entityId, ICanTell keeper)
    {
        _entityId = entityId;
        _keeper = keeper;
        _deaths = new HostDeathWatch(Context);
        Become(Restoring);
    }

    public IStash Stash { get; set; } = null!;

    IActorRef ISharedStateHost.Self => Self;

    public Queues.LedgerReaders Ledgers { get; } = new();

    protected override void PostStop() => Ledgers.Dispose();

    public void Watch(IActorRef actor) => _deaths.Watch(actor);

    public void Reply(IActorRef caller, object reply) => Transfers.PayloadTransfers.Get(Context.System).Tell(caller, reply, Self);

    protected override void PreStart() => _keeper.Tell(new RestoreObject(_entityId), Self);

    private void Restoring()
    {
        Receive<ObjectRestored>(restored =>
        {
            _state = (SharedState)Serializer.FromBinary(restored.State, typeof(object));
            foreach (var actor in _state.Watched) Watch(actor);
            _state.Resumed(this);
            Become(Active);
            Stash.UnstashAll();
        });
        Receive<ObjectUnavailable>(unavailable =>
        {
            Become(() => Unavailable(unavailable));
            Stash.UnstashAll();
        });
        Receive<HandOffObject>(_ => Context.Stop(Self)); // nothing restored, nothing to save
        ReceiveAny(_ => Stash.Stash());
    }

    private void Active()
    {
        var state = _state!;
        void Serve(object message)
        {
            switch (message)
            {
                case CancelRequest cancel: state.Cancel(cancel.RequestId, Sender, this); break;
                case ObjectCall { Operation: ObjectChannel.Locate } locate:
                    Sender.Tell(new ObjectReturn(locate.RequestId, [Serializer.ToBinary(Self)]), Self);
                    break;
                // A request sent again (its first copy seemed lost while this object moved) runs once. Calls over
                // a direct link all carry id 0 (one at a time on their own connection, never sent twice).
                case ICorrelated request when request.RequestId != 0 && !state.Seen.FirstTime(Sender, request.RequestId): break;
                case ICorrelated request: state.Handle(request, Sender, this); break;
                case IMpMessage oneWay: state.HandleOneWay(oneWay, this); break;
                default: Unhandled(message); break;
            }
        }
        Receive<CancelRequest>(Serve);
        Receive<ICorrelated>(Serve);
        Receive<EntityEnvelope>(direct => Serve(direct.Message));

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
        Receive<HandOffObject>(_ =>
        {
            byte[] bytes;
            try
            {
                bytes = Serializer.ToBinary(state);
            }
            catch (Exception e)
            {
                // Should not happen (states are plain data): the object cannot move, and says why.
                _log.Error(e, "Manager object {0} cannot be serialized to move with its shard; it is lost.", _entityId);
                Context.Stop(Self);
                return;
            }
            Transfers.PayloadTransfers.Get(Context.System).Tell(_keeper, new SaveObject(_entityId, bytes), Self);
            Become(Saving);
        });
        Receive<DisposeObject>(_ =>
        {
            foreach (var (caller, requestId) in state.ParkedRequests.ToList()) caller.Tell(ObjectFaults.Disposed(requestId), Self);
            _state = null;
            Sender.Tell(new ObjectDisposed(_entityId), Self);
            Become(() => Unavailable(new ObjectUnavailable(_entityId, Disposed: true, "disposed")));
            // Nothing to keep: a later request restarts the entity, and the keeper says it was disposed.
            Context.Parent.Tell(new Passivate(HandOffObject.Instance));
        });
        Receive<IMpMessage>(Serve); // one-way messages of the state (a queue's items given back)
    }

    // Between the hand-off and the stop: whatever still arrives goes back through the region, which
    // holds it for the shard's next home.
    private void Saving()
    {
        Receive<ObjectSaved>(_ => Context.Stop(Self));
        // A call sent straight here does not run: its proxy sends it again through the region.
        Receive<EntityEnvelope>(direct =>
        {
            if (direct.Message is ICorrelated request and not CancelRequest)
                Sender.Tell(ObjectFaults.Of(request.RequestId, new ObjectMovedException()), Self);
        });
        Receive<HostDeathWatch.AlreadyGone>(_ => { }); // the state's next home watches for itself
        ReceiveAny(message => ClusterSharding.Get(Context.System).ShardRegion(ManagerRegion.TypeName)
            .Forward(new EntityEnvelope(_entityId, message)));
    }

    private void Unavailable(ObjectUnavailable why)
    {
        Receive<EntityEnvelope>(direct => Self.Forward(direct.Message));
        Receive<CancelRequest>(cancel => Sender.Tell(new RequestCancelled(cancel.RequestId)));
        Receive<ICorrelated>(request => Sender.Tell(why.Disposed
            ? ObjectFaults.Disposed(request.RequestId)
            : ObjectFaults.Of(request.RequestId, new MpRemoteGoneException($"This Manager object is gone: {why.Reason}")), Self));
        Receive<HandOffObject>(_ => Context.Stop(Self));
        Receive<DisposeObject>(_ => Sender.Tell(new ObjectDisposed(_entityId), Self));
        Receive<Terminated>(_ => { });
        Receive<HostGone>(_ => { });
        Receive<HostDeathWatch.AlreadyGone>(_ => { });
    }

    private Akka.Serialization.Serializer Serializer => Context.System.Serialization.FindSerializerForType(typeof(object));

    public static Props Props(string entityId, ICanTell keeper) =>
        Akka.Actor.Props.Create(() => new ManagedObjectActor(entityId, keeper)).WithDispatcher(ManagerRegion.Dispatcher);
}
