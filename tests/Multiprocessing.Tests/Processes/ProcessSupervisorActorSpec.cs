using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Processes;

/// <summary>The per-node supervisor, driven by probes standing in for the registry and the runner.</summary>
public sealed class ProcessSupervisorActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private (MpProcess Process, ProcessLife Life) Launch(IActorRef supervisor, bool spawn = true)
    {
        var process = new MpProcess(Targets.Noop, []);
        var life = process.Life;
        life.IsStarted = true;
        supervisor.Tell(new ProcessSupervisorActor.Launch(process, life, [42], spawn, Node: null));
        return (process, life);
    }

    [Fact]
    public async Task A_launch_asks_the_registry_for_a_host_then_follows_the_runner_to_the_exit()
    {
        var registry = CreateTestProbe();
        var runner = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        using var console = new ConsoleCapture();

        var (process, life) = Launch(supervisor, spawn: true);
        var place = registry.ExpectMsg<PlaceProcess>();
        Assert.True(place.Spawn);
        Assert.Equal(life.Id, place.Run.ProcessId);
        Assert.Equal(process.Name, place.Run.Name);
        Assert.Equal(supervisor, place.Run.Supervisor);

        Assert.Null(life.Pid);
        supervisor.Tell(new ProcessPlaced(life.Id, "spawn-1", 4242));
        await life.Placed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(4242, life.Pid);
        supervisor.Tell(new ProcessStarted(life.Id, 4243, "spawn-1"), runner.Ref); // a wrapper's child, say: Pid stays what Start gave
        supervisor.Tell(new OutputLine("hello from the host", false), runner.Ref);
        supervisor.Tell(new ProcessExited(life.Id, 3), runner.Ref);

        runner.ExpectMsg<ProcessExitAck>();
        Assert.Equal(3, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(4242, life.Pid);
        Assert.Contains("hello from the host", console.OutLines);
    }

    [Fact]
    public void A_signal_sent_before_the_process_runs_is_delivered_once_it_does()
    {
        var registry = CreateTestProbe();
        var runner = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, life) = Launch(supervisor);
        registry.ExpectMsg<PlaceProcess>();

        supervisor.Tell(new ProcessSupervisorActor.Signal(life.Id, 15));
        runner.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        supervisor.Tell(new ProcessStarted(life.Id, 1, "worker-1"), runner.Ref);

        Assert.Equal(15, runner.ExpectMsg<SignalProcess>().Signal);
    }

    [Fact]
    public async Task A_lost_host_ends_its_processes_with_the_host_s_code()
    {
        var registry = CreateTestProbe();
        var runner = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, onLostHost) = Launch(supervisor);
        var (_, elsewhere) = Launch(supervisor);
        registry.ReceiveN(2);
        supervisor.Tell(new ProcessStarted(onLostHost.Id, 1, "spawn-7"), runner.Ref);
        supervisor.Tell(new ProcessStarted(elsewhere.Id, 2, "spawn-8"), CreateTestProbe().Ref);

        supervisor.Tell(new HostLost("spawn-7", -9));

        Assert.Equal(-9, await onLostHost.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.False(elsewhere.Exit.IsCompleted);
    }

    [Fact]
    public async Task A_process_whose_host_dies_before_it_starts_there_ends_with_the_host_s_code()
    {
        var registry = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, life) = Launch(supervisor);
        Assert.Equal(life.Id, registry.ExpectMsg<PlaceProcess>().Run.ProcessId);
        supervisor.Tell(new ProcessPlaced(life.Id, "spawn-1", 101));
        supervisor.Tell(new HostLost("spawn-1", -9));

        // Its Pid named that host from Start on: it is not placed again under another pid.
        Assert.Equal(-9, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(101, life.Pid);
        registry.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_process_whose_host_fails_on_its_own_before_it_starts_is_placed_again_and_ends_after_three_such_hosts()
    {
        var registry = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, life) = Launch(supervisor);
        // It never ran and nobody killed its host (exit code 3, not a signal): each lost host but the last brings a new placement.
        for (var placement = 1; placement <= 3; placement++)
        {
            var place = registry.ExpectMsg<PlaceProcess>();
            Assert.Equal(life.Id, place.Run.ProcessId);
            Assert.Null(place.Node);
            supervisor.Tell(new ProcessPlaced(life.Id, $"spawn-{placement}", 100 + placement));
            supervisor.Tell(new HostLost($"spawn-{placement}", 3));
        }

        Assert.Equal(3, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(103, life.Pid); // each placement told its host's pid
        registry.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_start_that_gave_up_waiting_ends_its_process_and_a_failed_placement_ends_it_with_the_code_given()
    {
        var registry = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, abandoned) = Launch(supervisor);
        var (_, killedHost) = Launch(supervisor);
        registry.ReceiveN(2);

        supervisor.Tell(new ProcessSupervisorActor.Abandon(abandoned.Id));
        supervisor.Tell(new PlacementFailed(killedHost.Id, "its host was killed before it was ready", -9));

        Assert.Equal(1, await abandoned.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(-9, await killedHost.Exit.WaitAsync(TimeSpan.FromSeconds(5)));

        // The host it was bound to got ready after all: the process is killed as it begins, not left running unjoined.
        var lateRunner = CreateTestProbe();
        supervisor.Tell(new ProcessStarted(abandoned.Id, 4242, "spawn-3"), lateRunner.Ref);
        Assert.Equal(new SignalProcess(abandoned.Id, Signals.Kill), lateRunner.ExpectMsg<SignalProcess>());
    }

    [Fact]
    public async Task A_runner_that_vanishes_counts_as_killed()
    {
        var registry = CreateTestProbe();
        var runner = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, life) = Launch(supervisor);
        registry.ExpectMsg<PlaceProcess>();
        supervisor.Tell(new ProcessStarted(life.Id, 1, "far-away"), runner.Ref);

        Sys.Stop(runner.Ref);

        Assert.Equal(-9, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_failed_placement_ends_the_process_with_1_and_says_why()
    {
        var registry = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        using var console = new ConsoleCapture();
        var (process, life) = Launch(supervisor);
        registry.ExpectMsg<PlaceProcess>();

        supervisor.Tell(new PlacementFailed(life.Id, "no room at the inn"));

        Assert.Equal(1, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        AwaitAssert(() => Assert.Contains($"{process.Name}: could not start: no room at the inn", console.ErrorLines));
    }

    [Fact]
    public void A_worker_s_supervisor_forwards_output_to_the_coordinator()
    {
        var coordinator = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(CreateTestProbe(), coordinator));
        supervisor.Tell(new OutputLine("nested output", true));
        Assert.Equal(new OutputLine("nested output", true), coordinator.ExpectMsg<OutputLine>());
    }
}
