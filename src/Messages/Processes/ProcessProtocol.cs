using Akka.Actor;

namespace Multiprocessing.Messages.Processes;

// The life of one Process, between the supervisor of the node that started it and the
// runner on the host that runs it.
//
//   supervisor --PlaceProcess--> host registry --RunProcess--> host agent --> runner
//                                host registry --ProcessPlaced, later HostLost if it dies--> supervisor
//   runner --ProcessStarted, OutputLine*, ProcessExited--> supervisor --ProcessExitAck--> runner
//
// Output lines and the exit travel the same path to the same actor, so a Join never
// returns before the lines the process wrote were printed.

/// <summary>Run one Process. <paramref name="Payload"/> is the serialized process object.</summary>
public sealed record RunProcess(Guid ProcessId, string Name, byte[] Process, IActorRef Supervisor) : IPayloadCarrier
{
    public long PayloadBytes => Process.LongLength;

    public IReadOnlyList<byte[]> Payload => [Process];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Process = payload[0] };
}

/// <summary>
/// The registry gave the process to <paramref name="Host"/>, OS process <paramref name="Pid"/> (a spawn host may still be
/// starting): if that host dies, the process ends with it.
/// </summary>
public sealed record ProcessPlaced(Guid ProcessId, string Host, int Pid) : IMpMessage;

/// <summary>The host deserialized the process and is about to run it in OS process <paramref name="Pid"/>.</summary>
public sealed record ProcessStarted(Guid ProcessId, int Pid, string Host) : IMpMessage;

/// <summary>The process finished. Python's exitcode: 0, 1 for an exception, the code of an exit call, -signal.</summary>
public sealed record ProcessExited(Guid ProcessId, int ExitCode) : IMpMessage;

/// <summary>The supervisor recorded the exit; a single-use host may now end its OS process.</summary>
public sealed record ProcessExitAck(Guid ProcessId) : IMpMessage;

/// <summary>Deliver a POSIX signal number (15 terminate, 9 kill) to a running process.</summary>
public sealed record SignalProcess(Guid ProcessId, int Signal) : IMpMessage;

/// <summary>One whole line a process wrote to its stdout or stderr.</summary>
public sealed record OutputLine(string Text, bool IsError) : IMpMessage;
