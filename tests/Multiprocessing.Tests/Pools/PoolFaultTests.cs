using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Pools;

/// <summary>Pools on clusters of their own whose worker nodes die or join while a Map runs.</summary>
[Collection(ClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PoolFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_worker_node_killed_in_the_middle_of_a_map_leaves_a_complete_correct_result()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
        using var pool = mp.Pool();
        var victim = OsProcesses.WorkersWith(mp.Address + " --name worker-")[0];
        var started = mp.Queue<int>();
        var map = Task.Run(() => pool.Map(PoolTargets.DoubleButHangOn(victim, started), Enumerable.Range(0, 40), chunksize: 1));

        while (started.Get(true, Patience) != victim) { } // the victim holds chunks now
        System.Diagnostics.Process.GetProcessById(victim).Kill();

        Assert.Equal(Enumerable.Range(0, 40).Select(x => x * 2), await map.WaitAsync(Patience));
        Assert.False(OsProcesses.IsAlive(victim));
    }

    [Fact]
    public async Task A_worker_node_killed_while_it_holds_many_fast_chunks_leaves_a_complete_correct_result()
    {
        const int Tasks = 20_000;
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
        using var pool = mp.Pool();
        var victim = OsProcesses.WorkersWith(mp.Address + " --name worker-")[0];
        // Tiny tasks: each worker holds dozens of chunks at once (work-ahead-per-worker), and answers them together.
        var killer = new KillWhenCompleted(Random.Shared.Next(1_000, Tasks / 2), victim);
        var map = Task.Run(() => pool.Map(PoolTargets.Double, Enumerable.Range(0, Tasks), chunksize: 1, progress: killer));

        Assert.Equal(Enumerable.Range(0, Tasks).Select(x => x * 2), await map.WaitAsync(Patience));
        Assert.True(killer.Killed);
        Assert.False(OsProcesses.IsAlive(victim));
    }

    /// <summary>SIGKILLs <paramref name="pid"/> once <paramref name="completed"/> tasks are done (progress reports come in order, one at a time).</summary>
    private sealed class KillWhenCompleted(int completed, int pid) : IProgress<MpPoolProgress>
    {
        public bool Killed { get; private set; }

        public void Report(MpPoolProgress value)
        {
            if (Killed || value.Completed < completed) return;
            Killed = true;
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    [Fact]
    public async Task A_worker_node_made_unreachable_in_the_middle_of_a_map_leaves_its_chunks_to_the_others_before_it_is_downed()
    {
        // Never downed while the test runs: the map can only finish if unreachability alone moves the chunks.
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2, Config = "akka.cluster.split-brain-resolver.stable-after = 5m" });
        using var pool = mp.Pool();
        var victim = OsProcesses.WorkersWith(mp.Address + " --name worker-")[0];
        var started = mp.Queue<int>();
        var map = Task.Run(() => pool.Map(PoolTargets.DoubleButHangOn(victim, started), Enumerable.Range(0, 40), chunksize: 1));
        try
        {
            while (started.Get(true, Patience) != victim) { } // the victim holds chunks now
            OsProcesses.Stop(victim);

            Assert.Equal(Enumerable.Range(0, 40).Select(x => x * 2), await map.WaitAsync(Patience)); // each item once, in order
            var cluster = Akka.Cluster.Cluster.Get(mp.Runtime.System);
            Assert.Equal(3, cluster.State.Members.Count); // the coordinator and both workers: nobody was downed
            Assert.Single(cluster.State.Unreachable);
        }
        finally
        {
            OsProcesses.Kill(victim);
        }
    }

    [Fact]
    public async Task A_task_that_keeps_killing_its_worker_fails_after_the_configured_attempts_and_the_pool_goes_on()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 3, Config = "multiprocessing.pool.max-chunk-attempts = 2" });
        using var pool = mp.Pool();
        var nodes = OsProcesses.WorkersWith(mp.Address + " --name worker-");

        var error = await Assert.ThrowsAsync<MpPoolException>(() => Task.Run(() => pool.Map(PoolTargets.KillMyNodeAtThree, Enumerable.Range(0, 10), chunksize: 1)).WaitAsync(Patience));
        Assert.Contains("Chunk 3", error.Message);
        Assert.Contains("max-chunk-attempts = 2", error.Message);
        Assert.Equal(2, nodes.Count(pid => !OsProcesses.IsAlive(pid)));

        Assert.Equal([0, 2, 4], pool.Map(PoolTargets.Double, Enumerable.Range(0, 3)));
    }

    [Fact]
    public async Task A_worker_started_by_hand_while_a_map_runs_receives_chunks()
    {
        using var auth = new AuthFile();
        var mp = await Mp.StartAsync(new MpOptions { Workers = 1, AuthFile = auth.Path });
        DotnetProgram? late = null;
        try
        {
            using var pool = mp.Pool();
            var first = OsProcesses.WorkersWith(mp.Address + " --name worker-")[0];
            var gate = mp.Queue<int>();
            var seen = mp.Queue<int>();
            var map = Task.Run(() => pool.Map(PoolTargets.PidGatedOn(first, gate, seen), Enumerable.Range(0, 40), chunksize: 1));

            late = DotnetProgram.Start("WorkerNode", "--seed", mp.Address, "--auth", auth.Path, "--name", "late", "--assembly", typeof(PoolTargets).Assembly.Location);
            Assert.Equal(late.Process.Id, seen.Get(true, Patience)); // the first worker is stalled: the late one ran a chunk
            gate.Put(1);

            var pids = await map.WaitAsync(Patience);
            Assert.Equal(40, pids.Count);
            Assert.Contains(late.Process.Id, pids);
        }
        finally
        {
            await mp.DisposeAsync();
        }
        Assert.Equal(0, late!.WaitForExit(TimeSpan.FromSeconds(15)));
        late.Dispose();
    }

    [Fact]
    public async Task Work_without_any_worker_node_fails_after_the_configured_time()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 0, Config = "multiprocessing.pool.no-worker-timeout = 1s" });
        using var pool = mp.Pool();
        var error = Assert.Throws<MpPoolException>(() => pool.Map(PoolTargets.Double, [1]));
        Assert.Contains("no-worker-timeout", error.Message);
    }
}
