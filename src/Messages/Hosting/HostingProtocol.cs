using Akka.Actor;
using Multiprocessing.Messages.Processes;

namespace Multiprocessing.Messages.Hosting;

/// <summary>What a host process is for.</summary>
public enum HostKind
{
    /// <summary>A long-lived worker node: a cluster member that runs many actor-mode processes.</summary>
    Node,
    /// <summary>A pre-started, single-use OS process that runs exactly one spawn-mode process.</summary>
    SpawnHost,
}

/// <summary>A host announces itself to the coordinator's registry once it can take work.</summary>
public sealed record RegisterHost(HostKind Kind, string Name, int Pid, IActorRef Agent) : IMpMessage;

/// <summary>
/// Ask the coordinator to find a host for a process: a fresh OS process when <paramref name="Spawn"/>, else a worker node,
/// on <paramref name="Node"/> if the caller chose one (a node, or the spare it claimed: the coordinator's own processes,
/// whose pid is known at once), or ends as with that host if it is gone.
/// </summary>
public sealed record PlaceProcess(RunProcess Run, bool Spawn, string? Node = null) : IPayloadCarrier
{
    public long PayloadBytes => Run.PayloadBytes;

    public IReadOnlyList<byte[]> Payload => Run.Payload;

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Run = (RunProcess)Run.WithPayload(payload) };
}

/// <summary>
/// The coordinator could not place or run a process; the supervisor fails it with this reason and <paramref name="ExitCode"/>
/// (1, or the signal that killed the host it was waiting for).
/// </summary>
public sealed record PlacementFailed(Guid ProcessId, string Reason, int ExitCode = 1) : IMpMessage;

/// <summary>The host that ran a process died; its processes end with <paramref name="ExitCode"/> (negative signal).</summary>
public sealed record HostLost(string Host, int ExitCode) : IMpMessage;

/// <summary>The coordinator is done: leave the cluster and exit.</summary>
public sealed record ShutdownHost : IMpMessage
{
    public static readonly ShutdownHost Instance = new();
    private ShutdownHost() { }
}

/// <summary>
/// The coordinator's word that a host process has ended (it saw its local host exit, or a node
/// leave the cluster): every node takes the actors at <paramref name="Address"/> for dead at once,
/// instead of waiting for a failure detector that cannot tell a dead host from a busy one.
/// </summary>
public sealed record HostGone(string Address) : IMpMessage;
