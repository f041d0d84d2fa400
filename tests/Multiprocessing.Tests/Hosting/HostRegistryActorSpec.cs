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

    private IActorRef Registry(MpSettings? settings = null, Action<Address>? down = null, Multiprocessing.Hosting.Spawn.ReadySpares? spares = null)
    {
        settings ??= Settings;
        var launcher = new LocalHostLauncher(settings, "akka.tcp://mp@127.0.0.1:1", null, null, credentials: null, Logging.LineLoggerFactory.StandardError());
        return Sys.ActorOf(HostRegistryActor.Props(launcher, settings, new NodeRoundRobin(), spares ?? new Multiprocessing.Hosting.Spawn.ReadySpares(), down ?? (_ => { })));
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
    public void Actor_mode_goes_to_the_node_its_start_chose_while_that_node_is_up()
    {
        var registry = Registry();
        var nodeA = CreateTestProbe();
        var nodeB = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.Node, "worker-1", 101, nodeA.Ref));
        registry.Tell(new RegisterHost(HostKind.Node, "worker-2", 102, nodeB.Ref));

        var chosen = Run(TestActor);
        registry.Tell(new PlaceProcess(chosen, Spawn: false, Node: "worker-2"));
        Assert.Equal(new ProcessPlaced(chosen.ProcessId, "worker-2", 102), ExpectMsg<ProcessPlaced>());
        Assert.Equal(chosen, nodeB.ExpectMsg<RunProcess>());

        // A node gone by now: the process, whose Pid named it, ends as with that node rather than run under another pid.
        var orphan = Run(TestActor);
        registry.Tell(new PlaceProcess(orphan, Spawn: false, Node: "worker-9"));
        Assert.Equal(new HostLost("worker-9", -9), ExpectMsg<HostLost>());
        nodeA.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        nodeB.ExpectNoMsg(TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void A_spare_claimed_by_a_start_runs_that_process_and_one_gone_since_ends_it_as_killed()
    {
        var spares = new Multiprocessing.Hosting.Spawn.ReadySpares();
        var registry = Registry(spares: spares);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        registry.Tell(new RegisterHost(HostKind.SpawnHost, "spawn-1", 201, first.Ref));
        registry.Tell(new RegisterHost(HostKind.SpawnHost, "spawn-2", 202, second.Ref));
        AwaitCondition(() => spares.Count == 2);

        // What a spawn Start on the coordinator does: claim the oldest spare (its pid is the process's), then place.
        var claimed = spares.Claim()!;
        Assert.Equal(("spawn-1", 201), (claimed.Name, claimed.Pid));
        var run = Run(TestActor);
        registry.Tell(new PlaceProcess(run, Spawn: true, Node: claimed.Name));
        Assert.Equal(new ProcessPlaced(run.ProcessId, "spawn-1", 201), ExpectMsg<ProcessPlaced>());
        Assert.Equal(run, first.ExpectMsg<RunProcess>());

        var gone = spares.Claim()!;
        Sys.Stop(second.Ref);
        AwaitCondition(() => spares.With(second.Ref) is null); // the registry saw it die
        var orphan = Run(TestActor);
        registry.Tell(new PlaceProcess(orphan, Spawn: true, Node: gone.Name));
        Assert.Equal(new HostLost("spawn-2", -9), ExpectMsg<HostLost>());
    }

    [Fact]
    public void A_spawn_process_without_a_spare_is_placed_at_once_on_a_host_still_starting_which_runs_it_once_ready()
    {
        var script = FakeWorker.Script("exec sleep 60\n");
        var registry = Registry(Settings with { WorkerExecutable = script });
        var pids = new List<int>();
        try
        {
            var first = Run(TestActor);
            var second = Run(TestActor);
            registry.Tell(new PlaceProcess(first, Spawn: true));
            registry.Tell(new PlaceProcess(second, Spawn: true));

            // Placed before any host registered: each on an OS process of its own that exists (the pid Start returns with).
            var placedFirst = ExpectMsg<ProcessPlaced>();
            var placedSecond = ExpectMsg<ProcessPlaced>();
            pids.AddRange([placedFirst.Pid, placedSecond.Pid]);
            Assert.Equal(first.ProcessId, placedFirst.ProcessId);
            Assert.NotEqual(placedFirst.Pid, placedSecond.Pid);
            Assert.NotEqual(placedFirst.Host, placedSecond.Host);
            Assert.All(pids, pid => Assert.Contains(pid, OsProcesses.ChildrenOf(Environment.ProcessId)));

            // The second's host is ready first: it runs the second, not the first, which waits for its own.
            var secondHost = CreateTestProbe();
            registry.Tell(new RegisterHost(HostKind.SpawnHost, placedSecond.Host, placedSecond.Pid, secondHost.Ref));
            Assert.Equal(second, secondHost.ExpectMsg<RunProcess>());
            var firstHost = CreateTestProbe();
            registry.Tell(new RegisterHost(HostKind.SpawnHost, placedFirst.Host, placedFirst.Pid, firstHost.Ref));
            Assert.Equal(first, firstHost.ExpectMsg<RunProcess>());
        }
        finally
        {
            foreach (var pid in pids) OsProcesses.Kill(pid);
        }
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

        Assert.Equal(run.ProcessId, ExpectMsg<ProcessPlaced>().ProcessId); // on the host launched for it
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
        Assert.Equal(new ProcessPlaced(run.ProcessId, "worker-1", 101), supervisor.ExpectMsg<ProcessPlaced>());

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
    public void More_spares_than_cores_all_stand_ready_in_the_end_launched_one_per_core_at_a_time()
    {
        // Real spawn hosts: the ones past a launch slot per core start only as earlier ones get ready.
        var spareCount = Environment.ProcessorCount + 1;
        var registry = Registry(MpSettings.From(MpConfig.Load(null, $"multiprocessing.spawn.spares = {spareCount}\nmultiprocessing.spawn.connect-ahead-after = off")));
        try
        {
            registry.Tell(new HostRegistryActor.EnableSpares());
            registry.Tell(new HostRegistryActor.AwaitSpares());
            Assert.Equal(spareCount, ExpectMsg<HostRegistryActor.SparesReady>(TimeSpan.FromSeconds(30)).Count);
        }
        finally
        {
            registry.Tell(new HostRegistryActor.ShutdownAll(TimeSpan.FromSeconds(5)));
            ExpectMsg<HostRegistryActor.AllStopped>(TimeSpan.FromSeconds(15));
        }
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
