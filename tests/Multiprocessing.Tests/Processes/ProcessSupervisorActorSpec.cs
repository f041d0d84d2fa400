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
        supervisor.Tell(new ProcessSupervisorActor.Launch(process, life, [42], spawn));
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

        supervisor.Tell(new ProcessStarted(life.Id, 4242, "spawn-1"), runner.Ref);
        supervisor.Tell(new OutputLine("hello from the host", false), runner.Ref);
        supervisor.Tell(new ProcessExited(life.Id, 3), runner.Ref);

        runner.ExpectMsg<ProcessExitAck>();
        Assert.Equal(3, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(4242, await life.Started);
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
    public async Task A_process_whose_host_dies_before_it_starts_is_placed_again_and_ends_after_three_such_hosts()
    {
        var registry = CreateTestProbe();
        var supervisor = Sys.ActorOf(ProcessSupervisorActor.Props(registry, null));
        var (_, life) = Launch(supervisor);
        // It never ran: each lost host but the last is followed by a new placement.
        for (var placement = 1; placement <= 3; placement++)
        {
            Assert.Equal(life.Id, registry.ExpectMsg<PlaceProcess>().Run.ProcessId);
            supervisor.Tell(new ProcessPlaced(life.Id, $"spawn-{placement}"));
            supervisor.Tell(new HostLost($"spawn-{placement}", -15));
        }

        Assert.Equal(-15, await life.Exit.WaitAsync(TimeSpan.FromSeconds(5)));
        registry.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
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
