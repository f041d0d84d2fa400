using Akka.Actor;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// The coordinator's record of every Manager object: its initial state until its entity starts,
/// its saved state while its shard moves between worker nodes, and which objects were disposed.
/// An entity asks here before it serves anything, so sharding can never bring an object back
/// empty: a disposed one answers ObjectDisposedException, one lost with a crashed worker says so.
/// </summary>
internal sealed class ManagerKeeperActor : ReceiveActor
{
    /// <summary>A new object of a Manager on the coordinator: its entity starts from <paramref name="State"/>.</summary>
    public sealed record Keep(string EntityId, byte[] State);

    /// <summary>Every object of <paramref name="ManagerId"/> ends (answered <see cref="ManagerDisposed"/>).</summary>
    public sealed record DisposeManager(string ManagerId);

    public sealed record ManagerDisposed(int Objects);

    /// <summary>How many states were saved by a hand-off and restored since the start (answered <see cref="Counts"/>).</summary>
    public sealed record GetCounts;

    public sealed record Counts(int Saved, int Restored, int Live);

    // Entity id -> its state while no entity holds it, null while an entity runs with it.
    private readonly Dictionary<string, byte[]?> _objects = [];
    private int _saved, _restored;

    public ManagerKeeperActor(IActorRef region)
    {
        Receive<Keep>(keep => _objects[keep.EntityId] = keep.State);

        Receive<RestoreObject>(restore =>
        {
            if (!_objects.TryGetValue(restore.EntityId, out var state))
                Sender.Tell(new ObjectUnavailable(restore.EntityId, Disposed: true, "disposed"));
            else if (state is null)
                Sender.Tell(new ObjectUnavailable(restore.EntityId, Disposed: false,
                    "the worker node that held it ended without handing it over (it was killed or crashed)"));
            else
            {
                _objects[restore.EntityId] = null;
                _restored++;
                Sender.Tell(new ObjectRestored(restore.EntityId, state));
            }
        });

        Receive<SaveObject>(save =>
        {
            if (_objects.ContainsKey(save.EntityId))
            {
                _objects[save.EntityId] = save.State;
                _saved++;
            }
            Sender.Tell(new ObjectSaved(save.EntityId));
        });

        Receive<DisposeManager>(dispose =>
        {
            var prefix = dispose.ManagerId + "/";
            var ids = _objects.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            foreach (var id in ids)
            {
                // A running entity answers what it has parked; one not running has nothing to answer.
                if (_objects[id] is null) region.Tell(new EntityEnvelope(id, DisposeObject.Instance));
                _objects.Remove(id);
            }
            Sender.Tell(new ManagerDisposed(ids.Count));
        });

        Receive<GetCounts>(_ => Sender.Tell(new Counts(_saved, _restored, _objects.Count)));
    }

    public static Props Props(IActorRef region) => Akka.Actor.Props.Create(() => new ManagerKeeperActor(region));
}
