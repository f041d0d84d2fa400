using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Hosting;

/// <summary>Clusters of their own, started and torn down by each test, checked against the OS.</summary>
[Collection(ClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterLifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Workers_are_up_at_start_and_none_outlives_the_coordinator()
    {
        var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
        List<int> hosts;
        try
        {
            Assert.Equal(2, OsProcesses.WorkersWith(mp.Address + " --name worker-").Count);
            var process = mp.Process(Targets.Noop);
            process.Start();
            Assert.True(process.Join(Patience));
            hosts = [.. OsProcesses.WorkersWith(mp.Address)];
            Assert.NotEmpty(hosts);
        }
        finally
        {
            await mp.DisposeAsync();
        }
        Assert.All(hosts, pid => Assert.False(OsProcesses.IsAlive(pid), $"host {pid} outlived the coordinator"));
        Assert.Empty(OsProcesses.WorkersWith(mp.Address));
    }

    [Fact]
    public async Task Spare_hosts_grow_to_the_largest_burst_of_spawned_processes_up_to_the_maximum()
    {
        await using var mp = await Mp.StartAsync(new MpOptions
        {
            Workers = 0,
            Config = "multiprocessing.spawn { spares = 1, max-spares = 3 }",
        });
        var spares = mp.Address + " --name spawn-";
        var slow = TimeSpan.FromMinutes(2); // hosts launched cold inside the test, on a busy machine
        using var bounded = new CancellationTokenSource(slow);
        await mp.WaitForSpawnSparesAsync(bounded.Token);
        Assert.True(OsProcesses.WaitUntil(() => OsProcesses.WorkersWith(spares).Count == 1, Patience));

        // Four processes at once, each held until released: the program showed it starts bursts of four.
        var gate = mp.Queue<int>();
        var burst = Enumerable.Range(0, 4).Select(_ => mp.Process(Targets.TakeOne, gate)).ToList();
        burst.ForEach(p => p.Start());
        for (var i = 0; i < burst.Count; i++) gate.Put(i);
        Assert.All(burst, p => Assert.True(p.Join(slow)));

        await mp.WaitForSpawnSparesAsync(bounded.Token);
        Assert.True(OsProcesses.WaitUntil(() => OsProcesses.WorkersWith(spares).Count == 3, Patience),
            $"expected 3 idle spawn hosts (the burst of 4, capped by max-spares), found {OsProcesses.WorkersWith(spares).Count}");
    }

    [Fact]
    public async Task Disposing_joins_non_daemonic_children_and_terminates_daemonic_ones()
    {
        var mp = await Mp.StartAsync(new MpOptions { Workers = 1 });
        var daemon = mp.Process(Targets.SleepForever);
        daemon.Daemon = true;
        var worker = mp.Process(Targets.WriteLinesInPieces, 3);
        daemon.Start();
        worker.Start();

        await mp.DisposeAsync();

        Assert.Equal(-15, daemon.ExitCode);
        Assert.Equal(0, worker.ExitCode);
        Assert.Empty(OsProcesses.WorkersWith(mp.Address));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public async Task Workers_read_the_configuration_given_in_code(MpStartMethod method)
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 1, Config = "multiprocessing.payloads.maximum-size = 1 MiB" });
        var queue = mp.Queue<byte[]>();
        var process = mp.GetContext(method).Process(Targets.TryPutLarge, queue, 2 * 1024 * 1024);
        process.Start();
        Assert.True(process.Join(Patience));
        Assert.Equal(5, process.ExitCode);
    }

    [Fact]
    public async Task Without_a_spare_a_spawn_process_has_the_pid_of_the_host_launched_for_it_and_killing_that_pid_ends_it()
    {
        // Hosts that never get ready: the process is still waiting for its own when its pid is killed.
        var neverReady = FakeWorker.Script("exec sleep 60\n");
        await using var mp = await Mp.StartAsync(new MpOptions
        {
            Workers = 0,
            // No spare either (max-spares 0): one would never be ready, and the shutdown would wait for it.
            Config = $"multiprocessing.spawn.spares = 0\nmultiprocessing.spawn.max-spares = 0\nmultiprocessing.worker.executable = \"{neverReady}\"",
        });
        var process = mp.Process(Targets.SleepForever);
        process.Start();
        var pid = process.Pid!.Value;

        Assert.Contains(pid, OsProcesses.ChildrenOf(Environment.ProcessId)); // the host launched for it
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        Assert.True(process.Join(Patience));
        Assert.Equal(-9, process.ExitCode); // as Python's, whether its host had taken it yet or not
    }

    [Fact]
    public async Task A_spawn_host_not_ready_within_worker_ready_timeout_is_killed_and_its_process_fails_naming_the_key()
    {
        var neverReady = FakeWorker.Script("echo 'stuck before ready'\nexec sleep 60\n");
        await using var mp = await Mp.StartAsync(new MpOptions
        {
            Workers = 0,
            Config = $"multiprocessing.spawn.spares = 0\nmultiprocessing.spawn.max-spares = 0\nmultiprocessing.worker-ready-timeout = 2s\n" +
                     $"multiprocessing.worker.executable = \"{neverReady}\"",
        });
        using var console = new ConsoleCapture();
        var process = mp.Process(Targets.SleepForever);
        process.Start();
        var host = process.Pid!.Value;

        Assert.True(process.Join(Patience)); // it used to wait for that host for ever
        Assert.Equal(1, process.ExitCode);
        Assert.Contains(console.ErrorLines, line => line.Contains("worker-ready-timeout") && line.Contains($"pid {host}"));
        Assert.True(OsProcesses.WaitUntil(() => !OsProcesses.IsAlive(host), Patience), "the host is killed, not left behind");
    }

    [Fact]
    public async Task A_killed_worker_node_ends_its_processes_with_a_negative_code_and_the_rest_goes_on()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
        var actor = mp.GetContext(MpStartMethod.Actor);
        var victim = actor.Process(Targets.SleepForever);
        victim.Start();
        var node = victim.Pid!.Value;

        System.Diagnostics.Process.GetProcessById(node).Kill();

        Assert.True(victim.Join(Patience));
        Assert.True(victim.ExitCode < 0, $"exit code {victim.ExitCode}");
        for (var i = 0; i < 3; i++)
        {
            var next = actor.Process(Targets.Noop);
            next.Start();
            Assert.True(next.Join(Patience));
            Assert.Equal(0, next.ExitCode);
            Assert.NotEqual(node, next.Pid);
        }
    }

    [Fact]
    public async Task A_worker_hosted_in_a_program_leaves_the_cluster_when_its_token_is_cancelled()
    {
        using var auth = new AuthFile();
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 0, AuthFile = auth.Path });
        using var worker = DotnetProgram.Start(typeof(TestPrograms).Assembly.GetName().Name!, TestPrograms.HostedWorker,
            "--seed", mp.Address, "--auth", auth.Path, "--name", "hosted");
        await mp.WaitForWorkersAsync(1, Patience);

        worker.Process.StandardInput.WriteLine(); // cancels its token
        Assert.Equal(0, worker.WaitForExit(Patience));
        var cluster = Akka.Cluster.Cluster.Get(mp.Runtime.System);
        Assert.True(OsProcesses.WaitUntil(() => cluster.State.Members.All(m => !m.HasRole("worker")), Patience), "the worker did not leave");
    }

    [Fact]
    public async Task A_worker_that_dies_at_start_fails_the_start_naming_it_with_its_output()
    {
        var script = FakeWorker.Script("echo 'fake worker cannot start: marker-4242' >&2\nexit 4\n");
        var error = await Assert.ThrowsAsync<MpWorkerStartupException>(() => Mp.StartAsync(new MpOptions
        {
            Workers = 1,
            Config = $"multiprocessing.worker.executable = \"{script}\"",
        }));
        Assert.Contains("worker-1", error.Message);
        Assert.Contains("marker-4242", error.Message);
    }

    [Fact]
    public async Task A_worker_program_that_cannot_be_launched_fails_the_start_at_once_naming_the_key()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MpWorkerStartupException>(() => Mp.StartAsync(new MpOptions
        {
            Workers = 2,
            Config = "multiprocessing.worker.executable = \"/nonexistent/worker-program\"\nmultiprocessing.worker-ready-timeout = 60s",
        }));
        Assert.Contains("multiprocessing.worker.executable", error.Message);
        Assert.Contains("/nonexistent/worker-program", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}: it waited for the ready timeout");
    }

    [Fact]
    public async Task A_spawned_process_whose_host_cannot_be_launched_ends_with_exit_code_1_and_the_next_one_too()
    {
        await using var mp = await Mp.StartAsync(new MpOptions
        {
            Workers = 0,
            Config = "multiprocessing.worker.executable = \"/nonexistent/worker-program\"",
        });
        var spawn = mp.GetContext(MpStartMethod.Spawn);
        for (var i = 0; i < 2; i++) // the second: the registry that failed the first still places processes
        {
            var process = spawn.Process(Targets.Noop);
            process.Start();
            Assert.True(process.Join(Patience), $"process {i} did not end");
            Assert.Equal(1, process.ExitCode);
        }
    }

    [Fact]
    public async Task A_worker_that_never_comes_up_fails_the_start_after_the_configured_time()
    {
        var script = FakeWorker.Script("echo 'stuck-marker-99'\nexec sleep 60\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MpWorkerStartupException>(() => Mp.StartAsync(new MpOptions
        {
            Workers = 1,
            Config = $"multiprocessing.worker.executable = \"{script}\"\nmultiprocessing.worker-ready-timeout = 2s\nmultiprocessing.shutdown-timeout = 1s",
        }));
        Assert.Contains("worker-1", error.Message);
        Assert.Contains("stuck-marker-99", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.True(OsProcesses.WaitUntil(() => OsProcesses.ChildrenOf(Environment.ProcessId)
            .All(pid => !File.ReadAllText($"/proc/{pid}/cmdline").Contains("sleep")), Patience), "the stuck worker was not killed");
    }

    [Fact]
    public void Every_worker_and_spawn_host_exits_within_2_s_of_a_coordinator_killed_while_a_Manager_and_a_Pool_are_busy()
    {
        using var coordinator = DotnetProgram.Start(typeof(TestPrograms).Assembly.GetName().Name!, TestPrograms.BusyCoordinator);
        Assert.True(OsProcesses.WaitUntil(() => coordinator.Output.Contains(TestPrograms.Ready), TimeSpan.FromMinutes(2)),
            $"the coordinator did not get busy. Output:\n{coordinator.Output}\nError:\n{coordinator.Error}");
        var hosts = OsProcesses.ChildrenOf(coordinator.Process.Id);
        Assert.True(hosts.Count >= 5, $"expected 2 worker nodes, a busy spawn host and spares, found {hosts.Count}");

        coordinator.Process.Kill(); // SIGKILL: no chance to tell anyone

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var allGone = OsProcesses.WaitUntil(() => hosts.All(pid => !OsProcesses.IsAlive(pid)), TimeSpan.FromSeconds(10));
        var survivors = hosts.Where(OsProcesses.IsAlive).ToList();
        foreach (var pid in survivors) OsProcesses.Kill(pid);
        Assert.True(allGone && watch.Elapsed < TimeSpan.FromSeconds(2),
            $"hosts outlived their coordinator by {watch.Elapsed.TotalSeconds:0.0} s (still alive after 10 s: {string.Join(", ", survivors)})");
    }
}
