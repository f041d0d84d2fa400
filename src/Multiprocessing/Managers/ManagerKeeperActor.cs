using Akka.Actor;
using Akka.Event;
using Multiprocessing.Direct;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>
/// The coordinator's record of every Manager object: its initial state until its entity starts,
/// its saved state while its shard moves between worker nodes, the copy of a replicated object
/// (kept up to date by its entity before it acknowledges anything), which objects were disposed,
/// and which entity runs each (callers ask when a node is lost: <see cref="HomeOfAsync"/>).
/// An entity asks here before it serves anything, so sharding can never bring an object back
/// empty: a replicated one lost with its node comes back from its copy, a disposed one answers
/// ObjectDisposedException, an unreplicated one lost with a crashed worker says so.
/// </summary>
internal sealed class ManagerKeeperActor : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A new object of a Manager on the coordinator: its entity starts from <paramref name="State"/>.</summary>
    public sealed record Keep(string EntityId, byte[] State, bool Replicated);

    /// <summary>Every object of <paramref name="ManagerId"/> ends (answered <see cref="ManagerDisposed"/>).</summary>
    public sealed record DisposeManager(string ManagerId);

    public sealed record ManagerDisposed(int Objects);

    /// <summary>How many states were saved by a hand-off and restored since the start (answered <see cref="Counts"/>).</summary>
    public sealed record GetCounts;

    /// <summary><paramref name="FailedOver"/>: restored from their copy after their node was lost.</summary>
    public sealed record Counts(int Saved, int Restored, int Live, int FailedOver);

    /// <summary>Answered <see cref="Counts"/> once at least <paramref name="Saved"/> states were saved by hand-offs (how a test sees shards move).</summary>
    public sealed record AwaitSaved(int Saved);

    private sealed record DisposalTimedOut(string ManagerId);

    private sealed record Disposal(IActorRef ReplyTo, HashSet<string> Waiting, int Objects)
    {
        public void Complete() => ReplyTo.Tell(new ManagerDisposed(Objects));
    }

    /// <summary>
    /// What the keeper holds of one object. Unreplicated: its state while no entity holds it (null while one runs).
    /// Replicated: always its state, and the calls to run again on it (the entity's copy, <see cref="ReplicateObject"/>).
    /// </summary>
    private sealed class Record(byte[] state, bool replicated)
    {
        public byte[]? State { get; set; } = state;
        public List<ICorrelated> Calls { get; } = [];
        public bool Replicated { get; } = replicated;

        /// <summary>The entity that runs with it (or did, when its node was lost); null while none does.</summary>
        public IActorRef? Holder { get; set; }

        /// <summary>Numbers the entity's starts: a copy sent by an entity of an earlier start is stale.</summary>
        public long Incarnation { get; set; }

        /// <summary>The last update of the copy applied, in this incarnation.</summary>
        public long Seq { get; set; }
    }

    private readonly Dictionary<string, Record> _objects = [];
    private readonly Dictionary<string, Disposal> _disposals = [];
    private readonly List<(int Saved, IActorRef ReplyTo)> _savedWaiters = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _saved, _restored, _failedOver;

    public ManagerKeeperActor(IActorRef region, TimeSpan disposeTimeout, NodeReachability nodes, DirectChannel direct)
    {
        Receive<Keep>(keep => _objects[keep.EntityId] = new Record(keep.State, keep.Replicated));

        Receive<RestoreObject>(restore =>
        {
            if (!_objects.TryGetValue(restore.EntityId, out var record))
            {
                Sender.Tell(new ObjectUnavailable(restore.EntityId, Disposed: true, "disposed"));
                return;
            }
            var lostFrom = record.Holder is { } holder ? nodes.Describe(holder.Path.Address) : null;
            if (record.State is not { } state)
            {
                Sender.Tell(new ObjectUnavailable(restore.EntityId, Disposed: false,
                    $"the worker node that held it ({lostFrom}) ended without handing it over (it was killed or crashed), and it had no copy (a Manager with replicas: 0)"));
                return;
            }
            if (lostFrom is not null)
            {
                _failedOver++;
                _log.Info("Manager object {0}, lost with {1}, starts again on {2} from its copy.", restore.EntityId, lostFrom, nodes.Describe(Sender.Path.Address));
            }
            record.Holder = Sender;
            record.Incarnation++;
            record.Seq = 0;
            _restored++;
            List<ICorrelated> calls = [.. record.Calls];
            if (!record.Replicated) record.State = null; // the entity holds the only state now
            Transfers.PayloadTransfers.Get(Context.System).Tell(Sender,
                new ObjectRestored(restore.EntityId, state, calls, record.Incarnation, record.Replicated, lostFrom), Self);
        });

        // The entity's copy, before it answers what depends on it: applied once, in order, from the entity of the current start only.
        Receive<ReplicateObject>(update =>
        {
            if (!_objects.TryGetValue(update.EntityId, out var record) || record.Holder is not { } holder || update.Incarnation != record.Incarnation) return;
            if (update.Seq == record.Seq + 1)
            {
                if (update.State.Length > 0)
                {
                    record.State = update.State;
                    record.Calls.Clear();
                }
                record.Calls.AddRange(update.Calls);
                record.Seq = update.Seq;
            }
            if (update.Seq <= record.Seq) _ = direct.Send(holder, new ObjectReplicated(update.EntityId, update.Incarnation, update.Seq));
        });

        // A replicated object comes back from its copy wherever sharding starts it next: a call to it is never failed for its node.
        Receive<WhereIsObject>(where => Sender.Tell(new ObjectHome(where.RequestId,
            _objects.TryGetValue(where.EntityId, out var record) && !record.Replicated ? record.Holder?.Path.Address : null)));
        Receive<CancelRequest>(cancel => Sender.Tell(new RequestCancelled(cancel.RequestId))); // answered at once anyway

        // Kept from the entity of the current start only: one from an earlier start was cut off, and its object runs
        // elsewhere now from its copy (what it did since its last acknowledged copy never happened).
        Receive<SaveObject>(save =>
        {
            var superseded = false;
            if (_objects.TryGetValue(save.EntityId, out var record))
            {
                superseded = record.Holder is null || save.Incarnation != record.Incarnation;
                if (!superseded)
                {
                    record.State = save.State;
                    record.Calls.Clear();
                    record.Holder = null;
                    _saved++;
                }
            }
            Sender.Tell(new ObjectSaved(save.EntityId, superseded));
            foreach (var waiter in _savedWaiters.Where(w => w.Saved <= _saved).ToList())
            {
                _savedWaiters.Remove(waiter);
                waiter.ReplyTo.Tell(CurrentCounts);
            }
        });

        // The Manager's disposal completes once every running entity has acknowledged it: from then
        // on, even a proxy that talks straight to an entity finds it disposed.
        Receive<DisposeManager>(dispose =>
        {
            var prefix = dispose.ManagerId + "/";
            var ids = _objects.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            var running = new HashSet<string>();
            foreach (var id in ids)
            {
                // A running entity answers what it has parked; one not running, or lost with its node, has nothing to answer.
                if (_objects[id].Holder is { } holder && !nodes.IsLost(holder.Path.Address) && running.Add(id))
                    region.Tell(new EntityEnvelope(id, DisposeObject.Instance));
                _objects.Remove(id);
            }
            var disposal = new Disposal(Sender, running, ids.Count);
            if (running.Count == 0) disposal.Complete();
            else
            {
                _disposals[dispose.ManagerId] = disposal;
                Timers.StartSingleTimer(dispose.ManagerId, new DisposalTimedOut(dispose.ManagerId), disposeTimeout);
            }
        });
        Receive<ObjectDisposed>(disposed =>
        {
            var managerId = disposed.EntityId[..disposed.EntityId.IndexOf('/')];
            if (_disposals.TryGetValue(managerId, out var disposal) && disposal.Waiting.Remove(disposed.EntityId) && disposal.Waiting.Count == 0)
            {
                _disposals.Remove(managerId);
                Timers.Cancel(managerId);
                disposal.Complete();
            }
        });

        // An entity on a worker that died cannot acknowledge: the disposal does not wait for it forever.
        Receive<DisposalTimedOut>(timedOut =>
        {
            if (_disposals.Remove(timedOut.ManagerId, out var disposal)) disposal.Complete();
        });

        Receive<GetCounts>(_ => Sender.Tell(CurrentCounts));
        Receive<AwaitSaved>(wait =>
        {
            if (_saved >= wait.Saved) Sender.Tell(CurrentCounts);
            else _savedWaiters.Add((wait.Saved, Sender));
        });
    }

    private Counts CurrentCounts => new(_saved, _restored, _objects.Count, _failedOver);

    public static Props Props(IActorRef region, TimeSpan disposeTimeout, NodeReachability nodes, DirectChannel direct) =>
        // On the Managers' dispatcher: a copy that came over a direct link is taken, and acknowledged, on the link's reader thread.
        Akka.Actor.Props.Create(() => new ManagerKeeperActor(region, disposeTimeout, nodes, direct)).WithDispatcher(ManagerRegion.Dispatcher);

    /// <summary>
    /// Asks the keeper beside <paramref name="region"/> (the coordinator's region proxy, which every
    /// handle of a Manager object carries) on which node the object <paramref name="entityId"/> runs.
    /// </summary>
    public static async Task<Address?> HomeOfAsync(NodeRuntime runtime, IActorRef region, string entityId)
    {
        var keeper = ((ExtendedActorSystem)runtime.System).Provider.ResolveActorRef(ActorNames.On(region.Path.Address, ActorNames.ManagerKeeper));
        return await runtime.Correlator.RequestAsync(keeper, id => new WhereIsObject(id, entityId), runtime.Settings.AskTimeout, CancellationToken.None)
            is ObjectHome home ? home.Node : null;
    }
}
