using Akka.Actor;
using Akka.TestKit;
using Multiprocessing.Hosting;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Hosting;

/// <summary>The coordinator's registry of hosts, driven by probes standing in for hosts and supervisors.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostRegistryActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly MpSettings Settings = MpSettings.From(MpConfig.Load(null));

    private IActorRef Registry(MpSettings? settings = null, Action<Address>? down = null)
    {
        settings ??= Settings;
        var launcher = new LocalHostLauncher(settings, "akka.tcp://mp@127.0.0.1:1", null, null, credentials: null, Logging.LineLoggerFactory.StandardError());
        return Sys.ActorOf(HostRegistryActor.Props(launcher, settings, down ?? (_ => { })));
    }

    private static RunProcess Run(IActorRef supervisor) => new(Guid.NewGuid(), "Process-1", [1, 2, 3], supervisor);

    [Fact]
    public void Actor_mode_processes_go_round_robin_over_the_registered_nodes()
    {
        var registry = Registry();
        var nodeA = CreateTestProbe();
        var nodeB = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.Node, "worker-1", 101, nodeA.Ref));
        registry.Tell(new RegisterHost(HostKind.Node, "worker-2", 102, nodeB.Ref));

        var runs = Enumerable.Range(0, 4).Select(_ => Run(TestActor)).ToList();
        runs.ForEach(r => registry.Tell(new PlaceProcess(r, Spawn: false)));

        Assert.Equal(runs[0], nodeA.ExpectMsg<RunProcess>());
        Assert.Equal(runs[1], nodeB.ExpectMsg<RunProcess>());
        Assert.Equal(runs[2], nodeA.ExpectMsg<RunProcess>());
        Assert.Equal(runs[3], nodeB.ExpectMsg<RunProcess>());
    }

    [Fact]
    public void Actor_mode_without_any_node_fails_the_placement()
    {
        var registry = Registry();
        var run = Run(TestActor);
        registry.Tell(new PlaceProcess(run, Spawn: false));
        var failed = ExpectMsg<PlacementFailed>();
        Assert.Equal(run.ProcessId, failed.ProcessId);
        Assert.Contains("no worker node", failed.Reason);
    }

    [Fact]
    public void A_spawn_host_runs_one_process_and_is_not_reused()
    {
        var registry = Registry();
        var spare = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.SpawnHost, "spawn-1", 201, spare.Ref));
        var first = Run(TestActor);
        registry.Tell(new PlaceProcess(first, Spawn: true));
        Assert.Equal(first, spare.ExpectMsg<RunProcess>());

        registry.Tell(new PlaceProcess(Run(TestActor), Spawn: true));
        spare.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_spawn_host_that_dies_before_it_is_ready_fails_the_waiting_process_with_its_output()
    {
        var script = FakeWorker.Script("echo 'not a frame'\necho 'no runtime here: marker-31' >&2\nexit 5\n");
        var registry = Registry(Settings with { WorkerExecutable = script });

        var run = Run(TestActor);
        registry.Tell(new PlaceProcess(run, Spawn: true));

        var failed = ExpectMsg<PlacementFailed>(TimeSpan.FromSeconds(10));
        Assert.Equal(run.ProcessId, failed.ProcessId);
        Assert.Contains("exited with code 5", failed.Reason);
        Assert.Contains("marker-31", failed.Reason);
    }

    [Fact]
    public void A_spawn_host_that_cannot_be_launched_fails_its_process_naming_why_and_the_registry_keeps_its_nodes()
    {
        var registry = Registry(Settings with { WorkerExecutable = "/nonexistent/worker-program" });
        var node = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.Node, "worker-1", 101, node.Ref));

        var spawned = Run(TestActor);
        registry.Tell(new PlaceProcess(spawned, Spawn: true));
        var failed = ExpectMsg<PlacementFailed>(TimeSpan.FromSeconds(10));
        Assert.Equal(spawned.ProcessId, failed.ProcessId);
        Assert.Contains("multiprocessing.worker.executable", failed.Reason);

        // Still the same registry (a restarted one would have forgotten the node and fail this placement).
        var run = Run(TestActor);
        registry.Tell(new PlaceProcess(run, Spawn: false));
        Assert.Equal(run, node.ExpectMsg<RunProcess>());
    }

    [Fact]
    public void A_node_that_dies_ends_the_processes_placed_on_it()
    {
        var registry = Registry();
        var node = CreateTestProbe();
        var supervisor = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.Node, "worker-1", 101, node.Ref));
        var run = Run(supervisor.Ref);
        registry.Tell(new PlaceProcess(run, Spawn: false));
        node.ExpectMsg<RunProcess>();
        Assert.Equal(new ProcessPlaced(run.ProcessId, "worker-1"), supervisor.ExpectMsg<ProcessPlaced>());

        Sys.Stop(node.Ref);

        var lost = supervisor.ExpectMsg<HostLost>();
        Assert.Equal("worker-1", lost.Host);
        Assert.Equal(-9, lost.ExitCode);
    }

    [Fact]
    public void Waiting_for_nodes_answers_once_enough_have_registered()
    {
        var registry = Registry();
        registry.Tell(new HostRegistryActor.AwaitNodes(2, TimeSpan.FromSeconds(10)));
        registry.Tell(new RegisterHost(HostKind.Node, "worker-1", 101, CreateTestProbe().Ref));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        registry.Tell(new RegisterHost(HostKind.Node, "worker-2", 102, CreateTestProbe().Ref));
        Assert.Equal(["worker-1", "worker-2"], ExpectMsg<HostRegistryActor.NodesReady>().Names);
    }

    [Fact]
    public void Waiting_for_nodes_fails_after_the_timeout()
    {
        var registry = Registry();
        registry.Tell(new HostRegistryActor.AwaitNodes(1, TimeSpan.FromMilliseconds(300)));
        var failure = ExpectMsg<Status.Failure>();
        Assert.IsType<MpWorkerStartupException>(failure.Cause);
    }

    [Fact]
    public void Shutdown_downs_every_worker_node_and_tells_every_spare_to_stop()
    {
        var downed = CreateTestProbe();
        var registry = Registry(down: address => downed.Ref.Tell(address));
        var node = CreateTestProbe();
        var spare = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.Node, "worker-1", 101, node.Ref));
        registry.Tell(new RegisterHost(HostKind.SpawnHost, "spawn-1", 201, spare.Ref));

        registry.Tell(new HostRegistryActor.ShutdownAll(TimeSpan.FromSeconds(1)));

        // The whole cluster ends: a node is downed (no leave to wait for), a spare is told to stop.
        Assert.Equal(node.Ref.Path.Address, downed.ExpectMsg<Address>());
        spare.ExpectMsg<ShutdownHost>();
        node.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        ExpectMsg<HostRegistryActor.AllStopped>();
        var run = Run(TestActor);
        registry.Tell(new PlaceProcess(run, Spawn: false));
        Assert.Contains("shutting down", ExpectMsg<PlacementFailed>().Reason);
    }
}
