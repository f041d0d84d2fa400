using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Hosting;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>
/// On the coordinator, from its first Manager on: tells every worker node that is Up, and every
/// one that joins later, to host the Managers' shard region. Until then no node runs sharding.
/// </summary>
internal sealed class ManagerRegionLauncherActor : ReceiveActor
{
    public ManagerRegionLauncherActor()
    {
        Receive<ClusterEvent.MemberUp>(up => up.Member.HasRole(ManagerRegion.Role), up =>
            Context.ActorSelection(ActorNames.On(up.Member.Address, ActorNames.NodeAgent)).Tell(StartManagerRegion.Instance));
        ReceiveAny(_ => { });
    }

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    public static Props Props() => Akka.Actor.Props.Create(() => new ManagerRegionLauncherActor());
}
