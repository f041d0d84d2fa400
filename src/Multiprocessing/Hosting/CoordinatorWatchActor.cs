using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// Ends a worker node when its coordinator is gone: when the coordinator leaves the cluster, or
/// stays unreachable for coordinator-lost-timeout (a local worker learns it sooner, from its stdin).
/// </summary>
internal sealed class CoordinatorWatchActor : ReceiveActor, IWithTimers
{
    private const string CoordinatorRole = NodeReachability.CoordinatorRole;
    private sealed record LostTooLong;

    public ITimerScheduler Timers { get; set; } = null!;

    public CoordinatorWatchActor(TimeSpan lostTimeout, Action<string> exit)
    {
        // A worker that leaves by itself (told to leave) sees every member removed as it goes: not a lost coordinator.
        bool CoordinatorLeft(ClusterEvent.IMemberEvent e) => e.Member.HasRole(CoordinatorRole) && !SelfLeaving;
        Receive<ClusterEvent.MemberRemoved>(CoordinatorLeft, _ => exit("the coordinator left the cluster"));
        Receive<ClusterEvent.MemberLeft>(CoordinatorLeft, _ => exit("the coordinator left the cluster"));
        Receive<ClusterEvent.MemberExited>(CoordinatorLeft, _ => exit("the coordinator left the cluster"));
        Receive<ClusterEvent.UnreachableMember>(e => e.Member.HasRole(CoordinatorRole),
            _ => Timers.StartSingleTimer("lost", new LostTooLong(), lostTimeout));
        Receive<ClusterEvent.ReachableMember>(e => e.Member.HasRole(CoordinatorRole), _ => Timers.Cancel("lost"));
        Receive<LostTooLong>(_ => exit($"the coordinator was unreachable for {lostTimeout.TotalSeconds:0.#} s"));
        Receive<object>(_ => { });
    }

    private static bool SelfLeaving => Cluster.Get(Context.System) is var cluster &&
        (cluster.IsTerminated || cluster.SelfMember.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed);

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
