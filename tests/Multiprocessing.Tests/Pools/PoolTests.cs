using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Pools;

/// <summary>mp.Pool() on the shared cluster: pool workers on the two worker nodes, real OS processes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PoolTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public void Map_and_StarMap_give_the_notebook_results_in_input_order()
    {
        using var pool = Mp.Pool();
        Assert.Equal([0, 2, 4, 6, 8, 10, 12, 14, 16, 18], pool.Map(PoolTargets.Double, Enumerable.Range(0, 10)));
        Assert.Equal([2, 12, 20], pool.StarMap(PoolTargets.Multiply, [(1, 2), (3, 4), (4, 5)]));
        Assert.Equal(Enumerable.Range(0, 5000).Select(x => x * 3), pool.Map(x => x * 3, Enumerable.Range(0, 5000), chunksize: 7));
        Assert.Empty(pool.Map(PoolTargets.Double, Array.Empty<int>()));
    }

    [Fact]
    public void Chunks_and_answers_take_the_direct_links_between_the_caller_and_the_workers()
    {
        using var pool = Mp.Pool();
        var direct = Mp.Runtime.Direct;
        // The links come up on first use (meanwhile, chunks go over Akka): once a Map's chunks take them, they stay.
        var deadline = DateTime.UtcNow + Patience;
        long before;
        do
        {
            before = direct.SentDirect;
            pool.Map(PoolTargets.Double, Enumerable.Range(0, 100), chunksize: 1);
        } while (direct.SentDirect == before && DateTime.UtcNow < deadline);
        var sent = direct.SentDirect;
        Assert.Equal(Enumerable.Range(0, 100).Select(x => x * 2), pool.Map(PoolTargets.Double, Enumerable.Range(0, 100), chunksize: 1));
        Assert.True(direct.SentDirect > sent, "the caller sent none of a Map's chunks over direct links");
    }

    [Fact]
    public void Work_runs_in_both_worker_processes_never_in_the_caller()
    {
        using var pool = Mp.Pool();
        Assert.Equal(2, pool.Processes);
        var pids = pool.Map(PoolTargets.Pid, Enumerable.Range(0, 100), chunksize: 1).Distinct().ToList();
        Assert.Equal(2, pids.Count);
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.All(pids, pid => Assert.True(OsProcesses.IsAlive(pid)));
    }

    [Fact]
    public void Imap_keeps_input_order_and_ImapUnordered_returns_every_result()
    {
        using var pool = Mp.Pool();
        Assert.Equal(Enumerable.Range(0, 300).Select(x => x * 2), pool.Imap(PoolTargets.Double, Enumerable.Range(0, 300), chunksize: 4));
        Assert.Equal(Enumerable.Range(0, 300).Select(x => x * 2), pool.ImapUnordered(PoolTargets.Double, Enumerable.Range(0, 300)).Order());
    }

    [Fact]
    public void An_exception_in_a_task_is_rethrown_with_its_type_and_remote_stack_trace_and_the_pool_goes_on()
    {
        using var pool = Mp.Pool();
        var error = Assert.Throws<InvalidOperationException>(() => pool.Map(PoolTargets.ThrowAtFive, Enumerable.Range(0, 10), chunksize: 2));
        Assert.Equal("five is not welcome (5)", error.Message);
        Assert.Contains(nameof(PoolTargets.ThrowAtFive), error.StackTrace);
        Assert.Contains("in pool worker", error.StackTrace);

        var imap = Assert.Throws<InvalidOperationException>(() => pool.Imap(PoolTargets.ThrowAtFive, Enumerable.Range(0, 10)).ToList());
        Assert.Contains("five", imap.Message);

        Assert.Equal([0, 2, 4], pool.Map(PoolTargets.Double, Enumerable.Range(0, 3)));
    }

    [Fact]
    public async Task Apply_ApplyAsync_and_MapAsync_give_python_style_results_and_run_callbacks()
    {
        using var pool = Mp.Pool();
        Assert.Equal(42, pool.Apply(() => 6 * 7));
        Assert.Equal(8, pool.Apply(PoolTargets.Double, 4));

        var called = new TaskCompletionSource<int>();
        var result = pool.ApplyAsync(PoolTargets.Double, 21, callback: called.SetResult);
        Assert.Equal(42, result.Get(Patience));
        Assert.True(result.Ready());
        Assert.True(result.Successful());
        Assert.Equal(42, await called.Task); // the callback ran before the result was ready

        Exception? seen = null;
        var failing = pool.MapAsync(PoolTargets.ThrowAtFive, Enumerable.Range(0, 10), errorCallback: e => seen = e);
        Assert.False(failing.Wait(TimeSpan.Zero) && failing.Successful());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await failing);
        Assert.False(failing.Successful());
        Assert.IsType<InvalidOperationException>(seen);

        Assert.Equal([2, 12, 20], await pool.StarMapAsync(PoolTargets.Multiply, [(1, 2), (3, 4), (4, 5)]));
    }

    [Fact]
    public void A_result_not_ready_in_time_says_so_and_Successful_refuses_to_guess()
    {
        using var pool = Mp.Pool();
        var gate = Mp.Queue<int>();
        var result = pool.ApplyAsync(PoolTargets.WaitFor(gate));
        Assert.Throws<TimeoutException>(() => result.Get(TimeSpan.FromMilliseconds(100)));
        Assert.False(result.Ready());
        Assert.Throws<InvalidOperationException>(() => result.Successful());
        gate.Put(7);
        Assert.Equal(7, result.Get(Patience));
    }

    [Fact]
    public void The_initializer_runs_once_per_worker_and_maxtasksperchild_replaces_workers()
    {
        List<string> tags;
        using (var pool = Mp.Pool(2, PoolTargets.TagWorker, "init"))
            tags = pool.Map(PoolTargets.ReadTag, Enumerable.Range(0, 40), chunksize: 1);
        Assert.All(tags, t => Assert.StartsWith("init:", t));
        Assert.InRange(tags.Distinct().Count(), 1, 2);

        using (var pool = Mp.Pool(2, PoolTargets.TagWorker, "short", maxTasksPerChild: 2))
            tags = pool.Map(PoolTargets.ReadTag, Enumerable.Range(0, 40), chunksize: 1);
        Assert.All(tags, t => Assert.StartsWith("short:", t));
        // Every worker is replaced (and initialized again) after 2 tasks: 40 tasks need at least 20 workers.
        Assert.True(tags.Distinct().Count() >= 20, $"{tags.Distinct().Count()} distinct workers");
        Assert.All(tags.GroupBy(t => t), g => Assert.True(g.Count() <= 2));
    }

    [Fact]
    public void Maxtasksperchild_renews_the_pool_worker_process_name_and_thread_not_the_worker_nodes_OS_process()
    {
        using var pool = Mp.Pool(2, maxTasksPerChild: 1);
        var runs = pool.Map(PoolTargets.PidAndName, Enumerable.Range(0, 12), chunksize: 1);
        Assert.Equal(12, runs.Select(r => r.Name).Distinct().Count()); // a new PoolWorker-N for every chunk
        Assert.All(runs, r => Assert.Contains(":PoolWorker-", r.Name));
        var nodes = OsProcesses.WorkersWith(Mp.Address + " --name worker-");
        Assert.All(runs, r => Assert.Contains(r.Pid, nodes)); // run by the worker nodes' own processes, which stay
    }

    [Fact]
    public void Imap_over_an_endless_input_reads_only_a_bounded_window_ahead()
    {
        using var pool = Mp.Pool();
        var produced = new Counter();
        var consumed = 0;
        foreach (var result in pool.Imap(PoolTargets.Double, PoolTargets.Endless(produced), chunksize: 10))
        {
            Assert.Equal(consumed * 2, result);
            // lazy-chunks-ahead = 16 chunks of 10 may be read past the chunk being consumed.
            Assert.True(Volatile.Read(ref produced.Value) <= consumed + 10 + 16 * 10 + 1, $"read {produced.Value} items for {consumed} consumed");
            if (++consumed == 3000) break;
        }
        Assert.True(Volatile.Read(ref produced.Value) <= consumed + 17 * 10 + 1);
    }

    [Fact]
    public void Arguments_and_results_over_the_frame_size_travel_whole()
    {
        using var pool = Mp.Pool();
        Assert.Equal([17 * 1024 * 1024], pool.Map(PoolTargets.Length, [new byte[17 * 1024 * 1024]]));
        Assert.Equal(17 * 1024 * 1024, Assert.Single(pool.Map(PoolTargets.Allocate, [17 * 1024 * 1024])).Length);
        Assert.Equal([4], pool.Map(PoolTargets.Double, [2]));
    }

    [Fact]
    public void A_function_whose_captures_cannot_travel_fails_at_the_call_naming_the_type()
    {
        using var pool = Mp.Pool();
        using var local = new System.Diagnostics.Process();
        var error = Assert.Throws<MpSerializationException>(() => pool.Map(x => local.Id + x, [1]));
        Assert.Contains("System.Diagnostics.Process", error.Message);
    }

    [Fact]
    public void Map_reports_its_progress_in_order_up_to_the_total()
    {
        using var pool = Mp.Pool();
        var reports = new List<MpPoolProgress>();
        pool.Map(PoolTargets.Double, Enumerable.Range(0, 100), chunksize: 10, progress: new Collect(reports));
        Assert.Equal(10, reports.Count);
        Assert.Equal(new MpPoolProgress(100, 100), reports[^1]);
        Assert.Equal(reports.Select(r => r.Completed).Order(), reports.Select(r => r.Completed));
    }

    [Fact]
    public void Join_returns_once_every_result_is_ready_and_its_callback_has_run()
    {
        var pool = Mp.Pool();
        using var inCallback = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var result = pool.ApplyAsync(PoolTargets.Double, 5, callback: _ =>
        {
            inCallback.Set();
            release.Wait(Patience);
        });
        pool.Close();
        Assert.True(inCallback.Wait(Patience));

        Assert.False(pool.Join(TimeSpan.FromMilliseconds(300)), "Join returned while a result's callback still ran");
        release.Set();
        Assert.True(pool.Join(Patience));
        Assert.True(result.Ready());
        Assert.Equal(10, result.Get(TimeSpan.Zero));
    }

    [Fact]
    public async Task Close_Join_and_Terminate_follow_python_and_lose_nothing_silently()
    {
        var pool = Mp.Pool();
        Assert.Throws<InvalidOperationException>(() => pool.Join());
        var pending = pool.ApplyAsync(PoolTargets.Double, 5);
        pool.Close();
        Assert.Throws<InvalidOperationException>(() => pool.Map(PoolTargets.Double, [1]));
        Assert.True(pool.Join(Patience));
        Assert.Equal(10, pending.Get(TimeSpan.Zero)); // what was submitted before Close finished

        var terminated = Mp.Pool();
        var gate = Mp.Queue<int>();
        var blocked = terminated.ApplyAsync(PoolTargets.WaitFor(gate));
        var queued = terminated.MapAsync(PoolTargets.Double, Enumerable.Range(0, 10), chunksize: 1);
        terminated.Terminate();
        await Assert.ThrowsAsync<MpPoolException>(async () => await blocked);
        await Assert.ThrowsAsync<MpPoolException>(async () => await queued);
        Assert.True(terminated.Join(Patience));
        gate.Put(0); // releases the worker thread that was running the blocked task
    }

    [Fact]
    public void A_task_runs_as_a_named_pool_worker_process_and_its_prints_reach_the_coordinator_stdout()
    {
        using var console = new ConsoleCapture();
        using var pool = Mp.Pool();
        var names = pool.Map(PoolTargets.SayWho, Enumerable.Range(0, 6), chunksize: 1);
        Assert.All(names, n => Assert.Contains(":PoolWorker-", n));
        Assert.InRange(names.Distinct().Count(), 1, 2);
        // Output travels beside the results, not with them: wait for it.
        Assert.True(OsProcesses.WaitUntil(() => Enumerable.Range(0, 6).All(i => console.OutLines.Contains($"{names[i]} says {i}")), Patience),
            string.Join('\n', console.OutLines));
    }

    [Fact]
    public void Arguments_are_checked_at_the_call_as_python_does()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp.Pool(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp.Pool(maxTasksPerChild: 0));
        using var pool = Mp.Pool(3);
        Assert.Equal(3, pool.Processes);
        Assert.Equal(125_000, MpPool.DefaultChunkSize(1_000_000, 2)); // pool_map.py's default
        Assert.Equal(1, MpPool.DefaultChunkSize(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Map(PoolTargets.Double, [1], chunksize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Imap(PoolTargets.Double, [1], chunksize: 0));
    }

    private sealed class Collect(List<MpPoolProgress> reports) : IProgress<MpPoolProgress>
    {
        public void Report(MpPoolProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}
