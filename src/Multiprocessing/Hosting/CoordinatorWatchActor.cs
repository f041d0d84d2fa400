using Akka.Actor;
using Akka.Cluster;

namespace Multiprocessing.Hosting;

/// <summary>
/// Ends a host when its coordinator is gone: a worker node when the coordinator leaves the
/// cluster or stays unreachable for coordinator-lost-timeout; a single-use host (not a
/// cluster member) when remote death watch reports the coordinator's registry dead.
/// </summary>
internal sealed class CoordinatorWatchActor : ReceiveActor, IWithTimers
{
    private const string CoordinatorRole = "coordinator";
    private sealed record LostTooLong;

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly bool _clusterMember;

    public CoordinatorWatchActor(bool clusterMember, ActorSelection registry, TimeSpan lostTimeout, Action<string> exit)
    {
        _clusterMember = clusterMember;
        if (clusterMember)
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
            Receive<ClusterEvent.MemberRemoved>(e => e.Member.HasRole(CoordinatorRole), _ => exit("the coordinator left the cluster"));
            Receive<ClusterEvent.MemberLeft>(e => e.Member.HasRole(CoordinatorRole), _ => exit("the coordinator left the cluster"));
            Receive<ClusterEvent.MemberExited>(e => e.Member.HasRole(CoordinatorRole), _ => exit("the coordinator left the cluster"));
            Receive<ClusterEvent.UnreachableMember>(e => e.Member.HasRole(CoordinatorRole),
                _ => Timers.StartSingleTimer("lost", new LostTooLong(), lostTimeout));
            Receive<ClusterEvent.ReachableMember>(e => e.Member.HasRole(CoordinatorRole), _ => Timers.Cancel("lost"));
            Receive<LostTooLong>(_ => exit($"the coordinator was unreachable for {lostTimeout.TotalSeconds:0.#} s"));
            Receive<object>(_ => { });
        }
        else
        {
            registry.Tell(new Identify("coordinator"));
            Receive<ActorIdentity>(identity =>
            {
                if (identity.Subject is null) exit("the coordinator's registry is not there");
                else Context.Watch(identity.Subject);
            });
            Receive<Terminated>(_ => exit("the coordinator is gone"));
        }
    }

    protected override void PostStop()
    {
        if (_clusterMember) Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
