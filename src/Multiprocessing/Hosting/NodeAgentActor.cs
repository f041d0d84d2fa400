using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// The coordinator's contact on a worker node: starts a runner for every process it is sent,
/// and asks the node to leave when told to.
/// </summary>
internal sealed class NodeAgentActor : ReceiveActor
{
    public NodeAgentActor(NodeRuntime runtime, Action requestExit)
    {
        Receive<RunProcess>(run =>
            Context.ActorOf(ProcessRunnerActor.Props(run, runtime), "process-" + run.ProcessId.ToString("N")));

        Receive<ShutdownHost>(_ => requestExit());
    }

    public static Props Props(NodeRuntime runtime, Action requestExit) =>
        Akka.Actor.Props.Create(() => new NodeAgentActor(runtime, requestExit));
}
