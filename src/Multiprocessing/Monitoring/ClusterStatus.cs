using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Multiprocessing.Hosting;
using Multiprocessing.Managers;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Pools;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Monitoring;

/// <summary>
/// Takes an <see cref="MpStatus"/> on the coordinator: the cluster's members, the registry's hosts, the supervisor's
/// processes, the pools' jobs, the queues' sizes, the Manager objects per node.
/// </summary>
internal static class ClusterStatus
{
    public static async Task<MpStatus> TakeAsync(NodeRuntime runtime, IActorRef registry, CancellationToken cancellationToken)
    {
        var timeout = runtime.Settings.AskTimeout;
        var hosts = registry.Ask<HostRegistryActor.HostList>(new HostRegistryActor.ListHosts(), timeout, cancellationToken);
        var processes = runtime.Supervisor.Ask<ProcessSupervisorActor.ProcessList>(new ProcessSupervisorActor.ListProcesses(), timeout, cancellationToken);
        var pools = runtime.Pools.Values.Select(p => PoolAsync(p, timeout, cancellationToken)).ToList();
        var queues = runtime.Queues.All.Select(q => QueueAsync(q, timeout, cancellationToken)).ToList();
        var managerObjects = ManagerObjectsAsync(runtime, timeout, cancellationToken);

        var cluster = Cluster.Get(runtime.System);
        var state = cluster.State;
        string MemberState(string address) =>
            state.Unreachable.Any(m => m.Address.ToString() == address) ? "Unreachable"
            : state.Members.FirstOrDefault(m => m.Address.ToString() == address)?.Status.ToString() ?? "Removed";

        var self = cluster.SelfAddress.ToString();
        var objects = await managerObjects;
        int ObjectsOn(string address) => objects.GetValueOrDefault(address);
        var nodes = new List<MpNodeStatus>
        {
            Node(runtime.HostName, self, NodeReachability.CoordinatorRole, MemberState(self), Environment.ProcessId, local: true) with { ManagerObjects = ObjectsOn(self) },
        };
        foreach (var host in (await hosts).Hosts)
        {
            var role = host.Kind == HostKind.Node ? "worker" : "spawn host";
            nodes.Add(Node(host.Name, host.Address, role, host.State ?? MemberState(host.Address), host.Pid, host.Local) with { ManagerObjects = ObjectsOn(host.Address) });
        }
        var poolStatuses = (await Task.WhenAll(pools)).OfType<MpPoolStatus>().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        return new MpStatus(DateTimeOffset.Now, nodes, (await processes).Processes, poolStatuses, await Task.WhenAll(queues));
    }

    // A pool joined meanwhile has stopped and never answers: it is left out rather than awaited.
    private static async Task<MpPoolStatus?> PoolAsync(IActorRef dispatcher, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await dispatcher.Ask<MpPoolStatus>(new PoolDispatcherActor.GetStatus(), timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    // The sharding coordinator counts every region's entities (the Manager objects), by node address; nothing before a Manager.
    private static async Task<IReadOnlyDictionary<string, int>> ManagerObjectsAsync(NodeRuntime runtime, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (runtime.ManagersIfMade is not { } hub) return new Dictionary<string, int>();
        var stats = await hub.Region.Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + timeout, cancellationToken);
        return stats.Regions.ToDictionary(r => r.Key.ToString(), r => r.Value.Stats.Values.Sum());
    }

    private static async Task<MpQueueStatus> QueueAsync(QueueDirectory.Entry queue, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await queue.Actor.Ask<QueueStatusReply>(new QueueStatus(0, Borrower: null), timeout, cancellationToken);
        return new MpQueueStatus(queue.Name, queue.MaxSize, reply.Count, reply.Unfinished, reply.WaitingConsumers, reply.WaitingProducers);
    }

    // CPU and memory are read from /proc, so only for hosts on this machine.
    private static MpNodeStatus Node(string name, string address, string role, string state, int pid, bool local)
    {
        if (!local) return new MpNodeStatus(name, address, role, state, pid, null, null, 0);
        try
        {
            using var process = Process.GetProcessById(pid);
            return new MpNodeStatus(name, address, role, state, pid, process.TotalProcessorTime, process.WorkingSet64, 0);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new MpNodeStatus(name, address, role, "exited", pid, null, null, 0); // it ended while we looked
        }
    }
}
