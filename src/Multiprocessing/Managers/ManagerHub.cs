using Akka.Actor;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>
/// What the coordinator's Managers share: the region proxy their objects are reached through, and the keeper of their
/// states. One per node runtime, made by its first Manager (<see cref="NodeRuntime.Managers"/>).
/// </summary>
internal sealed class ManagerHub
{
    // The keeper ends a disposal that waits on a lost object within half the ask-timeout, before MpManager.DisposeAsync's ask gives up.
    private const int DisposeTimeoutDivisor = 2;

    public ManagerHub(NodeRuntime runtime)
    {
        runtime.System.ActorOf(ManagerRegionLauncherActor.Props(), ActorNames.ManagerRegions);
        Region = ManagerRegion.StartProxy(runtime.System);
        Keeper = runtime.System.ActorOf(ManagerKeeperActor.Props(Region, runtime.Settings.AskTimeout / DisposeTimeoutDivisor, runtime.Nodes, runtime.Direct), ActorNames.ManagerKeeper);
    }

    public IActorRef Region { get; }
    public IActorRef Keeper { get; }
}
