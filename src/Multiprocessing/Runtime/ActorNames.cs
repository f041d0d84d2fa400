using Akka.Actor;

namespace Multiprocessing.Runtime;

/// <summary>
/// The names of the actors a node starts, and the paths other nodes reach them by, in one place: a worker finds the
/// coordinator's registry by its name, so a name changed on one side only would stop every worker from joining.
/// Unless said otherwise, each is a top-level actor (under /user).
/// </summary>
internal static class ActorNames
{
    /// <summary>The coordinator's host registry: where nodes register, processes are placed, spare hosts are kept.</summary>
    public const string HostRegistry = "mp-hosts";

    /// <summary>Each node's process supervisor; a worker forwards the output of its processes to the coordinator's.</summary>
    public const string ProcessSupervisor = "mp-processes";

    /// <summary>Each worker's agent, which runs the processes placed on it and starts its Manager region.</summary>
    public const string NodeAgent = "mp-agent";

    /// <summary>Each node's direct-link listener (offers its address and a ticket to peers).</summary>
    public const string DirectLinks = "mp-direct";

    /// <summary>Each node's payload transfers, a system actor (under /system).</summary>
    public const string Transfers = "mp-transfers";

    /// <summary>The coordinator's status actor, which <c>mp status</c> asks.</summary>
    public const string Status = "mp-status";

    /// <summary>Each node's log of refused connections (with security on).</summary>
    public const string RefusedConnections = "mp-refused-connections";

    /// <summary>The sharding type name of Manager objects.</summary>
    public const string ManagerObjects = "mp-manager-objects";

    /// <summary>The coordinator's keeper of Manager objects (their copies, their Managers, where each is).</summary>
    public const string ManagerKeeper = "mp-managers";

    /// <summary>The coordinator's actor that asks each worker to start its Manager region as it joins.</summary>
    public const string ManagerRegions = "mp-manager-regions";

    /// <summary>A worker's watch on the coordinator (it ends the worker when the coordinator is lost).</summary>
    public const string CoordinatorWatch = "mp-coordinator-watch";

    /// <summary>Each node's watch on cluster members (which are lost).</summary>
    public const string NodeReachability = "mp-node-reachability";

    /// <summary>Each node's watch on the targets of its requests.</summary>
    public const string Replies = "mp-replies";

    /// <summary>The runner of one process, a child of <see cref="NodeAgent"/>.</summary>
    public static string ProcessRunner(Guid processId) => "process-" + processId.ToString("N");

    /// <summary>A process's identity to the shared objects it uses (<see cref="Sync.ProcessToken"/>).</summary>
    public static string ProcessToken(long number) => $"mp-process-token-{number}";

    public static string PoolDispatcher(int pool) => $"mp-pool-{pool}";

    public static string PoolWorkers(int pool) => $"mp-pool-{pool}-workers";

    /// <summary>The registry's proxy of one spawn host, a child of <see cref="HostRegistry"/>.</summary>
    public static string SpawnHostProxy(int number) => $"spawn-{number}";

    /// <summary>The top-level actor <paramref name="name"/> of the node at <paramref name="node"/>.</summary>
    public static ActorPath On(Address node, string name) => new RootActorPath(node) / "user" / name;

    /// <summary>The system actor <paramref name="name"/> (an extension's, such as <see cref="Transfers"/>) of the node at <paramref name="node"/>.</summary>
    public static ActorPath SystemActorOn(Address node, string name) => new RootActorPath(node) / "system" / name;

    /// <summary>The top-level actor <paramref name="name"/> of the node whose address is <paramref name="node"/> (a seed as configured).</summary>
    public static string On(string node, string name) => $"{node.TrimEnd('/')}/user/{name}";
}
