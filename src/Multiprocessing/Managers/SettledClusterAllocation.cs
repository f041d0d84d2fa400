using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Multiprocessing.Managers;

/// <summary>
/// Akka's allocation strategy for the Manager's shards, which rebalances only while no member is on its way out.
/// Akka's own waits while a member is unreachable, but a worker whose process exited is downed at once, seconds before
/// the failure detector finds it unreachable. A rebalance started in those seconds may hand a shard off from that
/// node's region, and Akka.NET's hand-off then waits for it until handoff-timeout (20 s): the objects of every shard
/// behind it wait that long (measured: calls resumed 24 s after a kill instead of 7 s). The check reads the cluster as
/// the node running the shard coordinator sees it: a rebalance that starts before the down reaches it by gossip (a few
/// hundred milliseconds) can still wait so.
/// </summary>
internal sealed class SettledClusterAllocation(IShardAllocationStrategy inner) : IActorSystemDependentAllocationStrategy
{
    private static readonly ImmutableHashSet<MemberStatus> OnTheirWayOut = [MemberStatus.Down, MemberStatus.Leaving, MemberStatus.Exiting];

    private Cluster? _cluster;

    public void Start(ActorSystem system)
    {
        _cluster = Cluster.Get(system);
        switch (inner)
        {
            case IActorSystemDependentAllocationStrategy dependent: dependent.Start(system); break;
            case IStartableAllocationStrategy startable: startable.Start(); break;
        }
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
        inner.AllocateShard(requester, shardId, currentShardAllocations);

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
        _cluster?.State is { } state && (state.Unreachable.Count > 0 || state.Members.Any(m => OnTheirWayOut.Contains(m.Status)))
            ? Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty)
            : inner.Rebalance(currentShardAllocations, rebalanceInProgress);
}
