using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Runtime;

/// <summary>A queue held by a process on a worker node, and that node's name.</summary>
public sealed record HeldQueue(string Node, MpQueue<int> Queue);

/// <summary>Process targets for the node-loss tests.</summary>
public static class NodeLossTargets
{
    /// <summary>Makes a queue (an actor of this process, on its node), hands it over, and holds it until killed.</summary>
    public static void HoldAQueue(MpQueue<HeldQueue> handoff)
    {
        handoff.Put(new HeldQueue(DefaultRuntime.CurrentOrOnDemand!.HostName, Mp.Context.Queue<int>()));
        Thread.Sleep(Timeout.Infinite); // waits on nothing remote: a node that was stopped finds its peers unreachable for a moment
    }
}
