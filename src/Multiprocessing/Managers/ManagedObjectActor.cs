using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Multiprocessing.Direct;
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
/// when its shard moved, or the copy kept of it when its node was lost), stashing requests until then;
/// handed off, it saves its state there before it stops; disposed (or lost with a dead worker, unreplicated)
/// it answers every request with the reason. Replicated, it keeps its copy there up to date before it
/// answers what depends on a change (<see cref="ObjectReplication"/>).
/// </summary>
internal sealed class ManagedObjectActor : ReceiveActor, IWithUnboundedStash, IWithTimers, ISharedStateHost
{
    private const string ResendTimer = "resend-copy";

    private readonly string _entityId;
    private readonly IActorRef _keeper;
    private readonly DirectChannel _direct;
    private readonly TimeSpan _resendAfter;
    private readonly HostDeathWatch _deaths;
    private readonly Transfers.PayloadTransfers _transfers = Transfers.PayloadTransfers.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private SharedState? _state;
    private ObjectReplication? _replication;
    private long _incarnation;

    // Restored from the copy of an object lost with its node: the requests it had run there, whose answers may have
    // been lost with it. One of them sent again is answered MpRemoteGoneException, not run twice.
    private SeenRequests? _seenBeforeLoss;

    public ManagedObjectActor(string entityId, IActorRef keeper, DirectChannel direct, TimeSpan resendAfter)
    {
        _entityId = entityId;
        _keeper = keeper;
        _direct = direct;
        _resendAfter = resendAfter;
        _deaths = new HostDeathWatch(Context);
        Become(Restoring);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    IActorRef ISharedStateHost.Self => Self;

    public Queues.LedgerReaders Ledgers { get; } = new();

    protected override void PostStop() => Ledgers.Dispose();

    public void Watch(IActorRef actor) => _deaths.Watch(actor);

    public void Reply(IActorRef caller, object reply)
    {
        if (_replication is { } replication) replication.Reply(caller, reply, Send);
        else Send(caller, reply);
    }

    public void Changed(ICorrelated call, bool replayable) => _replication?.Changed(call, replayable);

    private void Send(IActorRef caller, object reply) => _transfers.Tell(caller, reply, Self);

    // A request sent again that ran on the node this object was lost with: its answer may have been lost with that node.
    // It does not run twice: unless it is parked here (it waits on), it is answered MpRemoteGoneException.
    private bool AnsweredOnLostNode(long requestId)
    {
        if (_seenBeforeLoss?.Contains(Sender, requestId) != true || _state!.ParkedRequests.Contains((Sender, requestId))) return false;
        Reply(Sender, ObjectFaults.Of(requestId, new MpRemoteGoneException(
            "This request ran on a worker node that was lost before its answer reached you; the object goes on, with its effect.")));
        return true;
    }

    // After each message: what it changed goes to the copy (when nothing else is on its way), sent again until acknowledged.
    private void Replicate()
    {
        try
        {
            if (_replication?.Flush(Send) is not null) ArmResend();
        }
        catch (Exception e)
        {
            // Its state no longer serializes (a registered object that took a value that does not): it cannot be copied,
            // nor moved. It goes on here, answering, and is lost with its node.
            _log.Error(e, "Manager object {0} can no longer be copied to the coordinator; it goes on uncopied, and would be lost with its node.", _entityId);
            _replication!.ReleaseAll(Send);
            _replication = null;
        }
    }

    // The update is sent again if not acknowledged by then (not while a large one is still being written).
    private void ArmResend() => Timers.StartSingleTimer(ResendTimer, ResendCopy.Instance, _resendAfter);

    private void ResendOverdueCopy()
    {
        if (_replication?.InFlight is null) return;
        if (!_replication.StillSending) _replication.Send();
        ArmResend();
    }

    private sealed record ResendCopy
    {
        public static readonly ResendCopy Instance = new();
    }

    protected override void PreStart() => _keeper.Tell(new RestoreObject(_entityId), Self);

    private void Restoring()
    {
        Receive<ObjectRestored>(restored =>
        {
            _state = (SharedState)Serializer.FromBinary(restored.State, typeof(object));
            _incarnation = restored.Incarnation;
            foreach (var call in restored.Calls) _state.Replay(call);
            if (restored.LostFrom is { } lost)
            {
                _seenBeforeLoss = _state.Seen.Copy();
                _log.Warning("Manager object {0} was lost with {1}; it runs here again from its copy, with every acknowledged change.", _entityId, lost);
            }
            if (restored.Replicated)
                _replication = new ObjectReplication(_entityId, restored.Incarnation, _keeper, _direct, _state, Serializer.ToBinary,
                    restored.State.LongLength, Payloads.Size(Payloads.Of(restored.Calls)));
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
                case CancelRequest cancel when state.ParkedRequests.Contains((Sender, cancel.RequestId)):
                    state.Cancel(cancel.RequestId, Sender, this);
                    break;
                // The cancel of a request not parked here that was never seen: it never arrived (lost with a node, or dropped
                // by a region while its object moved), or, for a container, ran (its answer settles it). Settled now, and
                // its id is seen, so that the request does not run should it arrive after all.
                case CancelRequest cancel when state.Seen.FirstTime(Sender, cancel.RequestId):
                    Reply(Sender, new RequestCancelled(cancel.RequestId));
                    break;
                case CancelRequest cancel when AnsweredOnLostNode(cancel.RequestId): break;
                case CancelRequest cancel: state.Cancel(cancel.RequestId, Sender, this); break;
                case ObjectCall { Operation: ObjectChannel.Locate } locate:
                    Sender.Tell(new ObjectReturn(locate.RequestId, [Serializer.ToBinary(Self)]), Self);
                    break;
                case ICorrelated request when state.TryAnswerAgain(request, Sender, this): break;
                // A request sent again (its first copy seemed lost while this object moved) runs once. A container
                // records only the requests cancelled before they arrived: it answers a change sent again from its
                // kept answers, and a read may run twice. Calls over a direct link all carry id 0.
                case ICorrelated request when request.RequestId != 0 && (state.KeepsAnswers
                    ? state.Seen.Contains(Sender, request.RequestId)
                    : !state.Seen.FirstTime(Sender, request.RequestId)):
                    AnsweredOnLostNode(request.RequestId);
                    break;
                case ICorrelated request: state.Handle(request, Sender, this); break;
                case IMpMessage oneWay: state.HandleOneWay(oneWay, this); break;
                default: Unhandled(message); break;
            }
        }
        // Whatever the state handles may change it: its copy is brought up to date after each message.
        void Changing(Action handle)
        {
            _replication?.Touch();
            handle();
            Replicate();
        }
        Receive<CancelRequest>(cancel => Changing(() => Serve(cancel)));
        Receive<ObjectReplicated>(replicated =>
        {
            if (_replication?.Acknowledged(replicated, Send) != true) return;
            Timers.Cancel(ResendTimer);
            Replicate();
        });
        Receive<ResendCopy>(_ => ResendOverdueCopy());
        Receive<ICorrelated>(request => Changing(() => Serve(request)));
        Receive<EntityEnvelope>(direct => Changing(() => Serve(direct.Message)));

        Receive<Terminated>(t => Changing(() =>
        {
            _deaths.Terminated(t.ActorRef);
            state.Gone(t.ActorRef, this);
        }));
        Receive<HostGone>(host => Changing(() =>
        {
            foreach (var actor in _deaths.Gone(host)) state.Gone(actor, this);
        }));
        Receive<HostDeathWatch.AlreadyGone>(gone => Changing(() => state.Gone(gone.Actor, this)));
        Receive<HandOffObject>(_ =>
        {
            if (_replication?.Unacknowledged == true) Become(Draining);
            else Save();
        });
        Receive<DisposeObject>(_ =>
        {
            foreach (var (caller, requestId) in state.ParkedRequests.ToList()) caller.Tell(ObjectFaults.Disposed(requestId), Self);
            // The object ends: what waited for its copy is answered now.
            _replication?.ReleaseAll(Send);
            _replication = null;
            Timers.Cancel(ResendTimer);
            _state = null;
            Sender.Tell(new ObjectDisposed(_entityId), Self);
            Become(() => Unavailable(new ObjectUnavailable(_entityId, Disposed: true, "disposed")));
            // Nothing to keep: a later request restarts the entity, and the keeper says it was disposed.
            Context.Parent.Tell(new Passivate(HandOffObject.Instance));
        });
        Receive<IMpMessage>(oneWay => Changing(() => Serve(oneWay))); // one-way messages of the state (a queue's items given back)
    }

    // Handed off with changes the keeper has not acknowledged: their answers are held. The state is saved once they
    // are acknowledged (and answered), so that a hand-off cut short (the node killed after the keeper took the state)
    // leaves no acknowledged change unanswered. What arrives meanwhile goes to the next home.
    private void Draining()
    {
        Receive<ObjectReplicated>(replicated =>
        {
            if (_replication?.Acknowledged(replicated, Send) != true) return;
            Replicate(); // changes made before the hand-off, not sent yet
            if (_replication?.InFlight is null) Save();
        });
        Receive<ResendCopy>(_ => ResendOverdueCopy());
        ReceiveAny(_ => Stash.Stash());
    }

    private void Save()
    {
        byte[] bytes;
        try
        {
            bytes = Serializer.ToBinary(_state!);
        }
        catch (Exception e)
        {
            // Should not happen (states are plain data): the object cannot move, and says why.
            _log.Error(e, "Manager object {0} cannot be serialized to move with its shard; it is lost.", _entityId);
            Context.Stop(Self);
            return;
        }
        _transfers.Tell(_keeper, new SaveObject(_entityId, _incarnation, bytes), Self);
        Timers.Cancel(ResendTimer);
        Become(Saving);
        Stash.UnstashAll();
    }

    // Between the hand-off and the stop: whatever still arrives goes back through the region, which
    // holds it for the shard's next home.
    private void Saving()
    {
        Receive<ObjectSaved>(saved =>
        {
            // Kept: the keeper has the whole state, and what waited for its copy is answered. Superseded: this entity was
            // cut off and the object runs elsewhere from its copy, without what waits here; its callers send again there.
            if (!saved.Superseded) _replication?.ReleaseAll(Send);
            else _log.Warning("Manager object {0} was taken for lost and runs elsewhere from its copy; this start ends without it.", _entityId);
            Context.Stop(Self);
        });
        Receive<ObjectReplicated>(_ => { }); // superseded by the state saved
        Receive<ResendCopy>(_ => { });
        // A call sent straight here does not run: its proxy sends it again through the region.
        Receive<EntityEnvelope>(direct =>
        {
            if (direct.Message is ICorrelated request and not CancelRequest)
                Sender.Tell(ObjectFaults.Of(request.RequestId, new ObjectMovedException()), Self);
        });
        Receive<HostDeathWatch.AlreadyGone>(_ => { }); // the state's next home watches for itself
        ReceiveAny(message => ClusterSharding.Get(Context.System).ShardRegion(ActorNames.ManagerObjects)
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

    public static Props Props(string entityId, IActorRef keeper, DirectChannel direct, TimeSpan resendAfter) =>
        Akka.Actor.Props.Create(() => new ManagedObjectActor(entityId, keeper, direct, resendAfter)).WithDispatcher(ManagerRegion.Dispatcher);
}
