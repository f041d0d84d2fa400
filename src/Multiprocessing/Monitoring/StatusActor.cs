using Akka.Actor;
using Multiprocessing.Messages.Monitoring;
using Multiprocessing.Runtime;

namespace Multiprocessing.Monitoring;

/// <summary>
/// The coordinator's <c>/user/mp-status</c>: answers a <see cref="StatusRequest"/> with an <see cref="MpStatus"/>,
/// for a status client outside the cluster (one that proved the cluster's credentials to connect).
/// </summary>
internal sealed class StatusActor : ReceiveActor
{

    public StatusActor(NodeRuntime runtime, IActorRef registry)
    {
        Receive<StatusRequest>(_ => ClusterStatus.TakeAsync(runtime, registry, CancellationToken.None).PipeTo(Sender));
    }

    public static Props Props(NodeRuntime runtime, IActorRef registry) => Akka.Actor.Props.Create(() => new StatusActor(runtime, registry));
}
