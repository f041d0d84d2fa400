using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Processes;

/// <summary>Python's Process life cycle across real worker OS processes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProcessLifecycleTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public async Task StartAsync_completes_with_the_pid_known_and_a_token_cancelled_before_leaves_the_process_unstarted(MpStartMethod method)
    {
        var context = Mp.GetContext(method);
        var process = context.Process(Targets.ExitWith, 4);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => process.StartAsync(new CancellationToken(canceled: true)));
        Assert.Null(process.Pid);
        Assert.False(process.IsAlive);

        await process.StartAsync();
        Assert.NotNull(process.Pid); // known when it completes, as after Start()
        await process.JoinAsync();
        Assert.Equal(4, process.ExitCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => process.StartAsync());
    }

    [Fact]
    public void A_spawn_process_that_ends_its_host_itself_ran_once_and_has_its_code_and_is_never_placed_again()
    {
        // Its host's exit must not be read as a host that failed before its process began (which is placed again): the
        // host's word that the process began is on its pipe, and a quick exit could overtake it.
        var spawn = Mp.GetContext(MpStartMethod.Spawn);
        for (var i = 0; i < 15; i++)
        {
            var file = Path.Combine(Path.GetTempPath(), $"mp-ran-once-{Guid.NewGuid():N}");
            try
            {
                var process = spawn.Process(Targets.RecordThenEndTheOsProcess, file, 3);
                process.Start();
                Assert.True(process.Join(Patience));
                Assert.Equal(3, process.ExitCode);
                Assert.Equal(["ran"], File.ReadAllLines(file));
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void Spawn_processes_each_run_in_a_fresh_OS_process_of_their_own()
    {
        var spawn = Mp.GetContext(MpStartMethod.Spawn);
        var processes = Enumerable.Range(0, 3).Select(_ => spawn.Process(Targets.Noop)).ToList();
        processes.ForEach(p => p.Start());
        var pids = processes.Select(p => p.Pid).ToList();
        processes.ForEach(p => Assert.True(p.Join(Patience)));

        Assert.All(processes, p => Assert.Equal(0, p.ExitCode));
        Assert.All(pids, pid => Assert.NotNull(pid));
        Assert.Equal(3, pids.Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, pids.Select(p => p!.Value));
        var workerNodes = OsProcesses.WorkersWith(Mp.Address + " --name worker-");
        Assert.Equal(2, workerNodes.Count);
        Assert.All(pids, pid => Assert.DoesNotContain(pid!.Value, workerNodes));
        // Single-use hosts end with their process.
        Assert.True(OsProcesses.WaitUntil(() => pids.All(pid => !OsProcesses.IsAlive(pid!.Value)), Patience));
    }

    [Fact]
    public void Actor_processes_run_on_the_running_worker_nodes()
    {
        var actor = Mp.GetContext(MpStartMethod.Actor);
        var processes = Enumerable.Range(0, 4).Select(_ => actor.Process(Targets.Noop)).ToList();
        processes.ForEach(p => p.Start());
        processes.ForEach(p => Assert.True(p.Join(Patience)));

        var pids = processes.Select(p => p.Pid!.Value).ToHashSet();
        Assert.All(processes, p => Assert.Equal(0, p.ExitCode));
        Assert.Equal(2, pids.Count); // round-robin over both nodes
        Assert.All(pids, pid => Assert.True(OsProcesses.IsAlive(pid), "a worker node outlives its processes"));
        Assert.All(pids, pid => Assert.NotEqual(Environment.ProcessId, pid));
    }

    [Fact]
    public async Task Pid_is_known_when_start_returns_even_while_the_host_cannot_run_the_process_yet()
    {
        var nodes = OsProcesses.WorkersWith(Mp.Address + " --name worker-");
        Assert.Equal(2, nodes.Count);
        var processes = new List<MpProcess>();
        nodes.ToList().ForEach(OsProcesses.Stop); // frozen: no node can start (or report) anything
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var process = Mp.GetContext(MpStartMethod.Actor).Process(Targets.Noop);
                process.Start();
                processes.Add(process);
                // A plain read: before, it waited (ask-timeout, 30 s) for the frozen node to report the start.
                var pid = await Task.Run(() => process.Pid).WaitAsync(TimeSpan.FromSeconds(5)); // TimeoutException: Pid waited
                Assert.Contains(pid!.Value, nodes);
            }
            Assert.Equal(2, processes.Select(p => p.Pid).Distinct().Count()); // round robin, as the registry places them
        }
        finally
        {
            nodes.ToList().ForEach(OsProcesses.Continue);
        }
        Assert.All(processes, p => Assert.True(p.Join(Patience)));
        Assert.All(processes, p => Assert.Equal(0, p.ExitCode));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void Output_arrives_on_the_coordinator_as_whole_lines_in_order_before_join_returns(MpStartMethod method)
    {
        using var console = new ConsoleCapture();
        var process = Mp.GetContext(method).Process(Targets.WriteLinesInPieces, 200);
        process.Start();
        Assert.True(process.Join(Patience));

        var expected = Enumerable.Range(0, 200).Select(i => $"line {i} of 200").ToList();
        Assert.Equal(expected, console.OutLines.Where(l => l.StartsWith("line ")).ToList());
    }

    [Fact]
    public void Names_identity_and_parent_are_python_like()
    {
        using var console = new ConsoleCapture();
        var first = Mp.Process(Targets.PrintIdentity);
        var second = Mp.Process(Targets.PrintIdentity);
        Assert.Matches(@"^Process-\d+$", first.Name);
        Assert.Equal(int.Parse(first.Name["Process-".Length..]) + 1, int.Parse(second.Name["Process-".Length..]));
        second.Name = "Renamed";
        first.Start();
        second.Start();
        Assert.True(first.Join(Patience) && second.Join(Patience));

        Assert.Equal("MainProcess", Multiprocessing.Mp.CurrentProcess().Name);
        Assert.Null(Multiprocessing.Mp.ParentProcess());
        Assert.Contains($"name={first.Name} pid={first.Pid} parent=MainProcess:{Environment.ProcessId}", console.OutLines);
        Assert.Contains($"name=Renamed pid={second.Pid} parent=MainProcess:{Environment.ProcessId}", console.OutLines);
    }

    [Fact]
    public void Name_and_daemon_are_named_arguments_of_Process_as_in_python()
    {
        using var console = new ConsoleCapture();
        var named = Mp.Process(Targets.PrintNameAndDaemon, name: "Ironman", daemon: true);
        var withArgument = Mp.Process(Targets.ExitWith, 3, name: "Captain");
        var plain = Mp.Process(Targets.PrintNameAndDaemon);
        Assert.Equal(("Ironman", true), (named.Name, named.Daemon));
        Assert.Equal(("Captain", false), (withArgument.Name, withArgument.Daemon)); // daemon inherits: MainProcess is not one
        Assert.Matches(@"^Process-\d+$", plain.Name);
        Assert.Equal("Thor", Mp.Process(async (int x) => await Task.Delay(x), 1, name: "Thor").Name);
        // A method group that fits (target, name) and (target, argument) keeps the string as its argument, as before.
        Assert.Matches(@"^Process-\d+$", Mp.Process(Console.WriteLine, "hello").Name);

        foreach (var process in new[] { named, withArgument, plain }) process.Start();
        foreach (var process in new[] { named, withArgument, plain }) Assert.True(process.Join(Patience));
        Assert.Equal(3, withArgument.ExitCode);
        Assert.Contains("name=Ironman daemon=True", console.OutLines);
        Assert.Contains($"name={plain.Name} daemon=False", console.OutLines);
    }

    [Fact]
    public void Unhandled_exception_gives_exit_code_1_and_the_remote_trace_on_stderr()
    {
        using var console = new ConsoleCapture();
        var process = Mp.Process(Targets.Throw, "boom-7781");
        process.Start();
        Assert.True(process.Join(Patience));

        Assert.Equal(1, process.ExitCode);
        var prefix = process.Name + ": ";
        Assert.Contains(prefix + "System.InvalidOperationException: boom-7781", console.ErrorLines);
        Assert.Contains(console.ErrorLines, l => l.StartsWith(prefix) && l.Contains("at Multiprocessing.Tests.Support.Targets.Throw"));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void Exit_call_sets_the_chosen_exit_code(MpStartMethod method)
    {
        var process = Mp.GetContext(method).Process(Targets.ExitWith, 7);
        process.Start();
        Assert.True(process.Join(Patience));
        Assert.Equal(7, process.ExitCode);
    }

    [Fact]
    public void Kill_really_kills_a_spawned_process()
    {
        var process = Mp.Process(Targets.SleepForever);
        process.Start();
        var pid = process.Pid!.Value;
        Assert.True(process.IsAlive);
        Assert.False(process.Join(TimeSpan.FromMilliseconds(200)));

        process.Kill();
        Assert.True(process.Join(Patience));
        Assert.Equal(-9, process.ExitCode);
        Assert.False(process.IsAlive);
        Assert.True(OsProcesses.WaitUntil(() => !OsProcesses.IsAlive(pid), Patience));
    }

    [Fact]
    public void Terminate_ends_a_spawned_process_with_minus_15()
    {
        var process = Mp.Process(Targets.SleepForever);
        process.Start();
        var pid = process.Pid!.Value;
        process.Terminate();
        Assert.True(process.Join(Patience));
        Assert.Equal(-15, process.ExitCode);
        Assert.True(OsProcesses.WaitUntil(() => !OsProcesses.IsAlive(pid), Patience));
    }

    [Fact]
    public void A_spawned_process_killed_from_outside_reports_the_signal()
    {
        var process = Mp.Process(Targets.SleepForever);
        process.Start();
        System.Diagnostics.Process.GetProcessById(process.Pid!.Value).Kill();
        Assert.True(process.Join(Patience));
        Assert.Equal(-9, process.ExitCode);
    }

    [Fact]
    public void Terminate_releases_an_actor_process_and_leaves_its_node_running()
    {
        var process = Mp.GetContext(MpStartMethod.Actor).Process(Targets.SleepForever);
        process.Start();
        var node = process.Pid!.Value;
        process.Terminate();
        Assert.True(process.Join(Patience));
        Assert.Equal(-15, process.ExitCode);
        Assert.True(OsProcesses.IsAlive(node));
    }

    [Fact]
    public void Active_children_lists_the_running_ones()
    {
        var sleeper = Mp.Process(Targets.SleepForever);
        var quick = Mp.Process(Targets.Noop);
        sleeper.Start();
        quick.Start();
        Assert.True(quick.Join(Patience));

        Assert.Contains(sleeper, Multiprocessing.Mp.ActiveChildren());
        Assert.DoesNotContain(quick, Multiprocessing.Mp.ActiveChildren());
        sleeper.Kill();
        Assert.True(sleeper.Join(Patience));
        Assert.DoesNotContain(sleeper, Multiprocessing.Mp.ActiveChildren());
    }

    [Fact]
    public void A_daemonic_child_is_terminated_when_its_parent_finishes()
    {
        using var console = new ConsoleCapture();
        var parent = Mp.Process(Targets.StartDaemonChildAndReturn);
        parent.Start();
        Assert.True(parent.Join(Patience));

        Assert.Equal(0, parent.ExitCode);
        var line = Assert.Single(console.OutLines, l => l.StartsWith("daemon-pid="));
        var daemonPid = int.Parse(line["daemon-pid=".Length..]);
        Assert.True(OsProcesses.WaitUntil(() => !OsProcesses.IsAlive(daemonPid), Patience));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void A_lambda_runs_with_the_values_it_captured(MpStartMethod method)
    {
        var offset = 40;
        var label = "captured";
        var process = Mp.GetContext(method).Process(() =>
        {
            if (label == "captured") Multiprocessing.Mp.Exit(offset + 2);
        });
        process.Start();
        Assert.True(process.Join(Patience));
        Assert.Equal(42, process.ExitCode);
    }

    [Fact]
    public void A_subclass_travels_with_its_fields_and_runs_its_override()
    {
        using var console = new ConsoleCapture();
        var avenger = Mp.Bind(new Greeter("Ironman", 3));
        avenger.Start();
        Assert.True(avenger.Join(Patience));
        Assert.Equal(0, avenger.ExitCode);
        Assert.Equal(["Ironman: hello 0", "Ironman: hello 1", "Ironman: hello 2"],
            console.OutLines.Where(l => l.StartsWith("Ironman: hello")).ToList());
    }

    private sealed class Greeter : MpProcess
    {
        private readonly int _times;

        public Greeter(string name, int times)
        {
            Name = name;
            _times = times;
        }

        public override void Run()
        {
            for (var i = 0; i < _times; i++) Console.WriteLine($"{Multiprocessing.Mp.CurrentProcess().Name}: hello {i}");
        }
    }

    [Fact]
    public void Cpu_count_is_the_number_of_cpus_nproc_counts()
    {
        // nproc, another program, counts the CPUs the OS lets a process run on (sched_getaffinity).
        using var nproc = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nproc") { RedirectStandardOutput = true })!;
        var expected = int.Parse(nproc.StandardOutput.ReadToEnd().Trim());
        nproc.WaitForExit();
        Assert.Equal(expected, Multiprocessing.Mp.CpuCount());
    }
}
