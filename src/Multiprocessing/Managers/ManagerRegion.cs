using Akka.Actor;
using Akka.Cluster.Sharding;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>
/// The one shard region of every Manager's objects: hosted on the worker nodes (role
/// <c>worker</c>), reached from the coordinator through a region proxy. Settings come from
/// <c>multiprocessing.manager.sharding</c> over Akka's own sharding defaults: no passivation of
/// live objects, a quick rebalance, coordinator state in distributed data.
/// </summary>
internal static class ManagerRegion
{
    public const string Role = "worker";
    public const string Dispatcher = "multiprocessing.manager.dispatcher";

    /// <summary>Starts the region on a worker node; its entities find the keeper on the coordinator at <paramref name="seed"/>.</summary>
    public static IActorRef StartOnWorker(NodeRuntime runtime, string seed)
    {
        var system = runtime.System;
        var keeper = ((ExtendedActorSystem)system).Provider.ResolveActorRef(ActorNames.On(Address.Parse(seed), ActorNames.ManagerKeeper));
        var settings = Settings(system);
        var sharding = ClusterSharding.Get(system);
        return sharding.Start(ActorNames.ManagerObjects, entityId => ManagedObjectActor.Props(entityId, keeper, runtime.Direct, runtime.Settings.ManagerResendAfter), settings, Extractor(system),
            new SettledClusterAllocation(sharding.DefaultShardAllocationStrategy(settings)), HandOffObject.Instance);
    }

    /// <summary>The region as seen from a node that hosts no objects (the coordinator).</summary>
    public static IActorRef StartProxy(ActorSystem system) =>
        ClusterSharding.Get(system).StartProxy(ActorNames.ManagerObjects, Role, Extractor(system));

    private static ClusterShardingSettings Settings(ActorSystem system)
    {
        _ = ClusterSharding.Get(system); // puts Akka's sharding defaults into the system's configuration
        var config = system.Settings.Config;
        var sharding = config.GetConfig("multiprocessing.manager.sharding").WithFallback(config.GetConfig("akka.cluster.sharding"));
        var singleton = config.GetConfig(sharding.GetString("coordinator-singleton"));
        return ClusterShardingSettings.Create(sharding, singleton).WithRole(Role);
    }

    private static IMessageExtractor Extractor(ActorSystem system) =>
        HashCodeMessageExtractor.Create(system.Settings.Config.GetInt("multiprocessing.manager.shards", 60),
            message => (message as EntityEnvelope)?.EntityId!, message => (message as EntityEnvelope)?.Message ?? message);
}
