using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Multiprocessing.Managers;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Managers;

/// <summary>
/// The Manager's shards are not rebalanced while a member is on its way out: a worker whose process exited is downed
/// before anyone finds it unreachable, and a hand-off from its region would wait until handoff-timeout (20 s).
/// Two cluster nodes in this process; the second is downed, and stays reachable, as a killed worker is at first.
/// </summary>
public sealed class SettledClusterAllocationSpec : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string Config = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.run-coordinated-shutdown-when-down = off
        akka.loglevel = WARNING
        """;

    private ActorSystem _first = null!, _second = null!;

    public Task InitializeAsync()
    {
        _first = ActorSystem.Create("settled", ConfigurationFactory.ParseString(Config));
        _second = ActorSystem.Create("settled", ConfigurationFactory.ParseString(Config));
        var address = Cluster.Get(_first).SelfAddress;
        Cluster.Get(_first).Join(address);
        Cluster.Get(_second).Join(address);
        Assert.True(OsProcesses.WaitUntil(() => Cluster.Get(_first).State.Members.Count(m => m.Status == MemberStatus.Up) == 2, Patience),
            "both nodes are not up");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _second.Terminate();
        await _first.Terminate();
    }

    [Fact]
    public async Task It_rebalances_what_Akka_s_strategy_says_while_every_member_is_up_and_nothing_while_one_is_down()
    {
        var allocation = new SettledClusterAllocation(new AlwaysMoves());
        allocation.Start(_first);
        var regions = ImmutableDictionary<IActorRef, IImmutableList<string>>.Empty;

        Assert.Equal(["7"], await allocation.Rebalance(regions, ImmutableHashSet<string>.Empty));

        Cluster.Get(_first).Down(Cluster.Get(_second).SelfAddress);
        Assert.True(OsProcesses.WaitUntil(() => Cluster.Get(_first).State.Members.Any(m => m.Status == MemberStatus.Down), Patience),
            "the second node is not down");
        Assert.Empty(Cluster.Get(_first).State.Unreachable); // down, and still reachable: the moment Akka's own check lets through

        Assert.Empty(await allocation.Rebalance(regions, ImmutableHashSet<string>.Empty));
    }

    /// <summary>An inner strategy that always wants shard 7 moved.</summary>
    private sealed class AlwaysMoves : IShardAllocationStrategy
    {
        public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
            Task.FromResult(requester);

        public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
            Task.FromResult<IImmutableSet<string>>(ImmutableHashSet.Create("7"));
    }
}
