using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Processes;

/// <summary>
/// One per node: follows every process started from this node, from placement to exit.
/// It prints (or, on a worker, forwards to the coordinator) the lines its processes write,
/// and completes their Join once the exit arrives behind those lines.
/// </summary>
internal sealed class ProcessSupervisorActor : ReceiveActor
{
    /// <summary>Local: place a started process, on host <paramref name="Node"/> if its Start chose one (a worker node, a spare).</summary>
    public sealed record Launch(MpProcess Process, ProcessLife Life, byte[] Payload, bool Spawn, string? Node);

    /// <summary>Local: its Start gave up waiting for a host: the process ends (1) and is followed no more.</summary>
    public sealed record Abandon(Guid ProcessId);

    /// <summary>Local: deliver a signal to a process once it runs.</summary>
    public sealed record Signal(Guid ProcessId, int Number);

    /// <summary>Local: the processes this node started that have not ended (for a status).</summary>
    public sealed record ListProcesses;

    public sealed record ProcessList(IReadOnlyList<MpProcessStatus> Processes);

    private sealed class Tracked(MpProcess process, ProcessLife life, PlaceProcess placement)
    {
        public MpProcess Process { get; } = process;
        public ProcessLife Life { get; } = life;
        public PlaceProcess Placement { get; } = placement;
        public int Placements { get; set; } = 1;
        public IActorRef? Runner { get; set; }
        public string? Host { get; set; }
        public int? PendingSignal { get; set; }
    }

    // Hosts a process is tried on in all when they fail on their own before it began: a few, so that one bad launch is
    // absorbed, and not more, so that a process whose hosts keep failing (a broken worker program) ends, saying why.
    private const int MaxPlacements = 3;

    private readonly Dictionary<Guid, Tracked> _tracked = [];

    public ProcessSupervisorActor(ICanTell registry, ICanTell? coordinatorSupervisor)
    {
        Receive<Launch>(launch =>
        {
            var run = new RunProcess(launch.Life.Id, launch.Process.Name, launch.Payload, Self);
            var placement = new PlaceProcess(run, launch.Spawn, launch.Node);
            _tracked[launch.Life.Id] = new Tracked(launch.Process, launch.Life, placement) { Host = launch.Node };
            Place(registry, placement);
        });

        Receive<ListProcesses>(_ => Sender.Tell(new ProcessList([.. _tracked.Values.Select(t =>
            new MpProcessStatus(t.Process.Name, t.Host, t.Life.Pid))])));

        Receive<ProcessPlaced>(placed =>
        {
            if (!_tracked.TryGetValue(placed.ProcessId, out var tracked)) return;
            tracked.Host = placed.Host;
            tracked.Life.OnPlaced(placed.Pid); // a new pid only when placed again after its host failed
        });

        Receive<ProcessStarted>(started =>
        {
            // Its end is already told (a Start that gave up waiting, a placement that failed while the process was on its
            // way): it must not run as well, with nobody to join it.
            if (!_tracked.TryGetValue(started.ProcessId, out var tracked))
            {
                Sender.Tell(new SignalProcess(started.ProcessId, Signals.Kill));
                return;
            }
            tracked.Runner = Sender;
            tracked.Host = started.Host;
            Context.Watch(Sender);
            // The runner's word can overtake the registry's (a worker's child placed on another worker): the pid of
            // the placement stays, but a process must not end without one.
            if (tracked.Life.Pid is null) tracked.Life.OnPlaced(started.Pid);
            if (tracked.PendingSignal is { } signal)
                Sender.Tell(new SignalProcess(started.ProcessId, signal));
        });

        Receive<OutputLine>(line =>
        {
            if (coordinatorSupervisor is not null) coordinatorSupervisor.Tell(line, Self);
            else if (line.IsError) Console.Error.WriteLine(line.Text);
            else Console.Out.WriteLine(line.Text);
        });

        Receive<ProcessExited>(exited =>
        {
            Sender.Tell(new ProcessExitAck(exited.ProcessId));
            Finish(exited.ProcessId, exited.ExitCode);
        });

        Receive<PlacementFailed>(failed =>
        {
            if (!_tracked.TryGetValue(failed.ProcessId, out var tracked)) return;
            Console.Error.WriteLine($"{tracked.Process.Name}: could not start: {failed.Reason}");
            Finish(failed.ProcessId, failed.ExitCode);
        });

        Receive<Abandon>(abandon => Finish(abandon.ProcessId, 1));

        Receive<Signal>(signal =>
        {
            if (!_tracked.TryGetValue(signal.ProcessId, out var tracked)) return;
            if (tracked.Runner is null) tracked.PendingSignal = signal.Number;
            else tracked.Runner.Tell(new SignalProcess(signal.ProcessId, signal.Number));
        });

        // The registry saw the host's OS process end: it knows the signal, so it speaks first. A process placed there
        // that had not begun is placed again (on another host, which its Pid then names) if that host failed on its own,
        // a few times at most; killed (by a signal: the pid Start gave was killed), it ends with the signal.
        Receive<HostLost>(lost =>
        {
            foreach (var (id, tracked) in _tracked.Where(t => t.Value.Host == lost.Host).ToList())
            {
                if (tracked.Runner is null && lost.ExitCode >= 0 && tracked.Placements < MaxPlacements)
                {
                    tracked.Host = null;
                    tracked.Placements++;
                    Place(registry, tracked.Placement with { Node = null });
                }
                else Finish(id, lost.ExitCode);
            }
        });

        // A host we could not see die (another machine): its processes count as killed.
        Receive<Terminated>(terminated =>
        {
            foreach (var id in _tracked.Where(t => Equals(t.Value.Runner, terminated.ActorRef)).Select(t => t.Key).ToList())
                Finish(id, -Signals.Kill);
        });
    }

    // A large process object that cannot reach the registry (it died, the transfer stalled) fails its process, not never.
    private void Place(ICanTell registry, PlaceProcess placement)
    {
        var self = Self;
        var id = placement.Run.ProcessId;
        Transfers.PayloadTransfers.Get(Context.System).Tell(registry, placement, self)
            .ContinueWith(t => self.Tell(new PlacementFailed(id, t.Exception!.GetBaseException().Message)),
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }

    private void Finish(Guid id, int exitCode)
    {
        if (!_tracked.Remove(id, out var tracked)) return;
        if (tracked.Runner is not null) Context.Unwatch(tracked.Runner);
        tracked.Life.OnExited(exitCode);
    }

    public static Props Props(ICanTell registry, ICanTell? coordinatorSupervisor) =>
        Akka.Actor.Props.Create(() => new ProcessSupervisorActor(registry, coordinatorSupervisor));
}
