using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// The coordinator's contact on a worker node: starts a runner for every process it is sent,
/// hosts the Managers' shard region once the coordinator has a Manager, and asks the node to
/// leave when told to.
/// </summary>
internal sealed class NodeAgentActor : ReceiveActor
{

    public NodeAgentActor(NodeRuntime runtime, Action requestExit, Action startManagerRegion)
    {
        Receive<RunProcess>(run =>
            Context.ActorOf(ProcessRunnerActor.Props(run, runtime), ActorNames.ProcessRunner(run.ProcessId)));

        var regionStarted = false;
        Receive<StartManagerRegion>(_ =>
        {
            if (regionStarted) return;
            regionStarted = true;
            startManagerRegion();
        });

        Receive<ShutdownHost>(_ => requestExit());

        // The coordinator says a host ended: this node's watchers hear it on the event stream.
        Receive<HostGone>(gone => Context.System.EventStream.Publish(gone));
    }

    public static Props Props(NodeRuntime runtime, Action requestExit, Action startManagerRegion) =>
        Akka.Actor.Props.Create(() => new NodeAgentActor(runtime, requestExit, startManagerRegion));
}
