using System.Runtime.CompilerServices;
using Akka.Actor;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>What the coordinator's Managers share: the region proxy their objects are reached through, and the keeper of their states.</summary>
internal sealed class ManagerHub
{
    private static readonly ConditionalWeakTable<NodeRuntime, ManagerHub> Hubs = new();

    private ManagerHub(NodeRuntime runtime)
    {
        runtime.System.ActorOf(ManagerRegionLauncherActor.Props(), "mp-manager-regions");
        Region = ManagerRegion.StartProxy(runtime.System);
        Keeper = runtime.System.ActorOf(ManagerKeeperActor.Props(Region, runtime.Settings.AskTimeout / 2, runtime.Nodes, runtime.Direct), ManagerRegion.KeeperName);
    }

    public IActorRef Region { get; }
    public IActorRef Keeper { get; }

    /// <summary>The hub if this node made a Manager, without making one (a status asks it, and should start nothing).</summary>
    public static ManagerHub? Existing(NodeRuntime runtime)
    {
        lock (Hubs) return Hubs.TryGetValue(runtime, out var hub) ? hub : null;
    }

    public static ManagerHub Of(NodeRuntime runtime)
    {
        lock (Hubs) return Hubs.GetValue(runtime, r => new ManagerHub(r));
    }
}
