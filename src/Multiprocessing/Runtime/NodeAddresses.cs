using Akka.Actor;

namespace Multiprocessing.Runtime;

/// <summary>Where an actor lives, seen from this node.</summary>
internal static class NodeAddresses
{
    /// <summary>True when <paramref name="address"/> is another node's (not this actor system's, and not a local-only address).</summary>
    public static bool IsOtherNode(ActorSystem system, Address address) =>
        address.HasGlobalScope && !address.Equals(((ExtendedActorSystem)system).Provider.DefaultAddress);

    /// <summary>True when <paramref name="system"/> is a cluster member (a single-use host is not: its provider is remote).</summary>
    public static bool IsClusterMember(ActorSystem system) => ((ExtendedActorSystem)system).Provider is Akka.Cluster.ClusterActorRefProvider;
}
