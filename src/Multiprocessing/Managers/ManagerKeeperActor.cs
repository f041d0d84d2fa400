using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>
/// The coordinator's record of every Manager object: its initial state until its entity starts,
/// its saved state while its shard moves between worker nodes, which objects were disposed, and
/// on which node each entity runs (callers ask when a node is lost: <see cref="HomeOfAsync"/>).
/// An entity asks here before it serves anything, so sharding can never bring an object back
/// empty: a disposed one answers ObjectDisposedException, one lost with a crashed worker says so.
/// </summary>
internal sealed class ManagerKeeperActor : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A new object of a Manager on the coordinator: its entity starts from <paramref name="State"/>.</summary>
    public sealed record Keep(string EntityId, byte[] State);

    /// <summary>Every object of <paramref name="ManagerId"/> ends (answered <see cref="ManagerDisposed"/>).</summary>
    public sealed record DisposeManager(string ManagerId);

    public sealed record ManagerDisposed(int Objects);

    /// <summary>How many states were saved by a hand-off and restored since the start (answered <see cref="Counts"/>).</summary>
    public sealed record GetCounts;

    public sealed record Counts(int Saved, int Restored, int Live);

    /// <summary>Answered <see cref="Counts"/> once at least <paramref name="Saved"/> states were saved by hand-offs (how a test sees shards move).</summary>
    public sealed record AwaitSaved(int Saved);

    private sealed record DisposalTimedOut(string ManagerId);

    private sealed record Disposal(IActorRef ReplyTo, HashSet<string> Waiting, int Objects)
    {
        public void Complete() => ReplyTo.Tell(new ManagerDisposed(Objects));
    }

    // Entity id -> its state while no entity holds it, null while an entity runs with it.
    private readonly Dictionary<string, byte[]?> _objects = [];

    // Entity id -> the node of the entity that runs with it (or did, when it was lost).
    private readonly Dictionary<string, Address> _homes = [];
    private readonly Dictionary<string, Disposal> _disposals = [];
    private readonly List<(int Saved, IActorRef ReplyTo)> _savedWaiters = [];
    private int _saved, _restored;

    public ManagerKeeperActor(IActorRef region, TimeSpan disposeTimeout, NodeReachability nodes)
    {
        Receive<Keep>(keep => _objects[keep.EntityId] = keep.State);

        Receive<RestoreObject>(restore =>
        {
            if (!_objects.TryGetValue(restore.EntityId, out var state))
                Sender.Tell(new ObjectUnavailable(restore.EntityId, Disposed: true, "disposed"));
            else if (state is null)
            {
                var held = _homes.TryGetValue(restore.EntityId, out var home) ? $" ({nodes.Describe(home)})" : "";
                Sender.Tell(new ObjectUnavailable(restore.EntityId, Disposed: false,
                    $"the worker node that held it{held} ended without handing it over (it was killed or crashed)"));
            }
            else
            {
                _objects[restore.EntityId] = null;
                _homes[restore.EntityId] = Sender.Path.Address;
                _restored++;
                Transfers.PayloadTransfers.Get(Context.System).Tell(Sender, new ObjectRestored(restore.EntityId, state), Self);
            }
        });

        Receive<WhereIsObject>(where => Sender.Tell(new ObjectHome(where.RequestId,
            _objects.TryGetValue(where.EntityId, out var state) && state is null ? _homes.GetValueOrDefault(where.EntityId) : null)));
        Receive<CancelRequest>(cancel => Sender.Tell(new RequestCancelled(cancel.RequestId))); // answered at once anyway

        Receive<SaveObject>(save =>
        {
            if (_objects.ContainsKey(save.EntityId))
            {
                _objects[save.EntityId] = save.State;
                _homes.Remove(save.EntityId);
                _saved++;
            }
            Sender.Tell(new ObjectSaved(save.EntityId));
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
                var lost = _homes.TryGetValue(id, out var home) && nodes.IsLost(home);
                if (_objects[id] is null && !lost && running.Add(id)) region.Tell(new EntityEnvelope(id, DisposeObject.Instance));
                _objects.Remove(id);
                _homes.Remove(id);
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

    private Counts CurrentCounts => new(_saved, _restored, _objects.Count);

    public static Props Props(IActorRef region, TimeSpan disposeTimeout, NodeReachability nodes) =>
        Akka.Actor.Props.Create(() => new ManagerKeeperActor(region, disposeTimeout, nodes));

    /// <summary>
    /// Asks the keeper beside <paramref name="region"/> (the coordinator's region proxy, which every
    /// handle of a Manager object carries) on which node the object <paramref name="entityId"/> runs.
    /// </summary>
    public static async Task<Address?> HomeOfAsync(NodeRuntime runtime, IActorRef region, string entityId)
    {
        var keeper = ((ExtendedActorSystem)runtime.System).Provider.ResolveActorRef(new RootActorPath(region.Path.Address) / "user" / ManagerRegion.KeeperName);
        return await runtime.Correlator.RequestAsync(keeper, id => new WhereIsObject(id, entityId), runtime.Settings.AskTimeout, CancellationToken.None)
            is ObjectHome home ? home.Node : null;
    }
}
