using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// The coordinator's contact on a host: starts a runner for every process it is sent and
/// asks the host to end when told to (or, on a single-use host, once its process is done).
/// </summary>
internal sealed class NodeAgentActor : ReceiveActor
{
    public NodeAgentActor(NodeRuntime runtime, HostKind kind, Action requestExit)
    {
        var used = false;
        Receive<RunProcess>(run =>
        {
            if (kind == HostKind.SpawnHost && used)
            {
                run.Supervisor.Tell(new PlacementFailed(run.ProcessId, $"single-use host {runtime.HostName} already ran a process"));
                return;
            }
            used = true;
            var singleUseDone = kind == HostKind.SpawnHost ? requestExit : null;
            Context.ActorOf(ProcessRunnerActor.Props(run, runtime, singleUseDone), "process-" + run.ProcessId.ToString("N"));
        });

        Receive<ShutdownHost>(_ => requestExit());
    }

    public static Props Props(NodeRuntime runtime, HostKind kind, Action requestExit) =>
        Akka.Actor.Props.Create(() => new NodeAgentActor(runtime, kind, requestExit));
}
