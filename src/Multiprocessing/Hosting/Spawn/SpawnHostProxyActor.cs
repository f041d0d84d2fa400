using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;

namespace Multiprocessing.Hosting.Spawn;

/// <summary>
/// The coordinator's stand-in for one spawn host: to the registry it is the host's agent, to
/// supervisors its process's runner. It turns messages into frames on the host's stdin and the
/// host's frames on stdout back into messages; signals go straight to the host's OS process.
/// </summary>
internal sealed class SpawnHostProxyActor : ReceiveActor, IWithTimers
{
    /// <summary>The host's OS process exited: <see cref="Notice"/> goes back to the sender once every frame the host wrote is passed on.</summary>
    public sealed record AfterLastFrame(object Notice);

    private sealed record Received(Frame Frame);
    private sealed record PipeEnded;
    private sealed record DrainDeadline;

    // Its stdout ends with the host, unless a process the host started holds it open: then the exit is told this late.
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(1);

    private readonly LaunchedHost _host;
    private readonly HostChannel _channel;
    private RunProcess? _run;
    private bool _pipeEnded;
    private readonly List<(object Notice, IActorRef ReplyTo)> _afterLastFrame = [];

    public ITimerScheduler Timers { get; set; } = null!;

    public SpawnHostProxyActor(LaunchedHost host, HostChannel channel, IActorRef registry)
    {
        _host = host;
        _channel = channel;

        Receive<Received>(received =>
        {
            var frame = received.Frame;
            var supervisor = _run?.Supervisor ?? ActorRefs.Nobody;
            switch (frame.Kind)
            {
                case FrameKind.Ready:
                    registry.Tell(new RegisterHost(HostKind.SpawnHost, host.Name, host.Pid, Self));
                    break;
                case FrameKind.Connected:
                    registry.Tell(new HostRegistryActor.SpareConnected(host.Name));
                    break;
                case FrameKind.Joined:
                    registry.Tell(new HostRegistryActor.SpawnHostJoined(host.Name, frame.Text));
                    break;
                case FrameKind.Started:
                    supervisor.Tell(new ProcessStarted(frame.Id, frame.Number, host.Name));
                    break;
                case FrameKind.Output:
                    supervisor.Tell(new OutputLine(frame.Text, frame.Number == 1));
                    break;
                case FrameKind.Exited:
                    supervisor.Tell(new ProcessExited(frame.Id, frame.Number));
                    break;
            }
        });

        Receive<RunProcess>(run =>
        {
            if (_run is not null)
            {
                run.Supervisor.Tell(new PlacementFailed(run.ProcessId, $"single-use host {host.Name} already ran a process"));
                return;
            }
            _run = run;
            Send(new Frame(FrameKind.Run, run.ProcessId, 0, run.Name, run.Process));
        });

        Receive<ProcessExitAck>(_ => Send(new Frame(FrameKind.Ack)));

        // The exit must not overtake the host's last frames: read after "Started", it means the process ran and ended
        // with the host; read before, it would look like a host that failed before its process began (placed again).
        Receive<AfterLastFrame>(after =>
        {
            _afterLastFrame.Add((after.Notice, Sender));
            if (_pipeEnded) TellAfterLastFrame();
            else Timers.StartSingleTimer(nameof(DrainDeadline), new DrainDeadline(), DrainPatience);
        });
        Receive<PipeEnded>(_ =>
        {
            _pipeEnded = true;
            TellAfterLastFrame();
        });
        Receive<DrainDeadline>(_ => TellAfterLastFrame());

        // Only a host that runs its process reads more frames; a spare watches nothing yet.
        Receive<HostGone>(gone =>
        {
            if (_run is not null) Send(new Frame(FrameKind.HostGone, Text: gone.Address));
        });

        Receive<SignalProcess>(signal =>
        {
            try { Signals.Send(host.Pid, signal.Signal); }
            catch (InvalidOperationException) { /* already gone: the registry reports how it ended */ }
        });

        // An idle spare is told to stop (it lets a connection it started ahead finish), then reads end-of-file.
        Receive<ShutdownHost>(_ =>
        {
            Send(new Frame(FrameKind.Stop));
            _channel.CloseOutput();
        });
    }

    private void TellAfterLastFrame()
    {
        foreach (var (notice, replyTo) in _afterLastFrame) replyTo.Tell(notice);
        _afterLastFrame.Clear();
    }

    // A host that is gone cannot be written to; the registry learns how it ended from the OS.
    private void Send(Frame frame)
    {
        try { _channel.Write(frame); }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    protected override void PreStart()
    {
        var self = Self;
        var reader = new Thread(() =>
        {
            while (_channel.Read() is { } frame) self.Tell(new Received(frame));
            self.Tell(new PipeEnded());
        }) { IsBackground = true, Name = "frames-" + _host.Name };
        reader.Start();
    }

    public static Props Props(LaunchedHost host, HostChannel channel, IActorRef registry) =>
        Akka.Actor.Props.Create(() => new SpawnHostProxyActor(host, channel, registry));
}
