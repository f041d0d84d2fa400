using Multiprocessing.Tests.Pools;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Monitoring;

/// <summary>
/// A cluster's status, from the library and from <c>Coordinator status</c>, a client that holds the cluster's
/// credentials; and the Coordinator's parse errors. The status runs on a cluster of its own, started with credentials.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StatusTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Status_shows_the_nodes_and_a_running_maps_progress_to_the_library_and_to_the_status_command()
    {
        using var auth = new AuthFile();
        await using var mp = await Multiprocessing.Mp.StartAsync(new MpOptions { AuthFile = auth.Path, Workers = 2 });
        using var gate = mp.Queue<int>();
        await using var manager = await mp.ManagerAsync();
        var dict = manager.Dict<string, int>();
        dict["answer"] = 42; // a round trip: the object lives on its node from here on
        await using var pool = mp.Pool();
        // Item 0 waits for the gate, so the map runs until the test opens it; a first answered chunk says it is under way.
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var map = pool.MapAsync(PoolTargets.HoldZero(gate), Enumerable.Range(0, 10), chunksize: 1,
            progress: new Reported(_ => firstChunk.TrySetResult()));
        try
        {
            await firstChunk.Task.WaitAsync(Patience);

            var status = await mp.StatusAsync();
            Assert.Equal(["MainProcess", "worker-1", "worker-2"], status.Nodes.Where(n => n.Role != "spawn host").Select(n => n.Name).Order());
            Assert.All(status.Nodes.Where(n => n.Role != "spawn host"), n =>
            {
                Assert.Equal("Up", n.State);
                Assert.NotNull(n.Pid);
                Assert.True(n.MemoryBytes > 0 && n.CpuTime > TimeSpan.Zero, $"{n.Name}: no CPU or memory");
            });
            Assert.Equal(1, status.Nodes.Sum(n => n.ManagerObjects)); // the dict, on one worker node
            Assert.Contains(status.Nodes, n => n.Role == "worker" && n.ManagerObjects == 1);
            var job = Assert.Single(Assert.Single(status.Pools).Jobs);
            Assert.Equal(10, job.ChunksTotal);
            Assert.InRange(job.ChunksDone, 1, 9);
            // The gate: empty and unbounded (item 0's get may or may not be waiting on it yet).
            var queue = Assert.Single(status.Queues);
            Assert.Equal(("Queue-1", 0, 0, 0), (queue.Name, queue.MaxSize, queue.Size, queue.WaitingProducers));

            using var cli = DotnetProgram.Start("Coordinator", "status", "--seed", mp.Address, "--auth", auth.Path);
            Assert.Equal(0, cli.WaitForExit(Patience));
            var lines = cli.Output.Split('\n').Select(l => l.Trim()).ToList();
            Assert.Contains(lines, l => l.StartsWith("MainProcess") && l.Contains("coordinator") && l.Contains(" Up "));
            Assert.Contains(lines, l => l.StartsWith("worker-1") && l.Contains(" Up "));
            Assert.Contains(lines, l => l.StartsWith("mp-pool-") && l.Contains("/10 chunks"));
            Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["Queue-1", "0", "-", "0", "0" or "1", "0"]);
            Assert.Equal("", cli.Error);
            // The client never joined: the cluster has the same three members.
            Assert.Equal(3, (await mp.StatusAsync()).Nodes.Count(n => n.Role != "spawn host"));
        }
        finally
        {
            gate.Put(1);
        }
        Assert.Equal(10, (await map.GetAsync().WaitAsync(Patience)).Count);
    }

    [Theory]
    [InlineData("status", "--seed")]
    [InlineData("status", "--frobnicate")]
    [InlineData("map", "ten")]
    [InlineData("map", "10", "--chunksize", "0")]
    public void A_parse_error_exits_2_naming_the_bad_token_with_the_usage_on_standard_error(params string[] args)
    {
        using var coordinator = DotnetProgram.Start("Coordinator", args);
        Assert.Equal(2, coordinator.WaitForExit(Patience));
        Assert.Contains(args[^1] == "0" ? "--chunksize" : args[^1], coordinator.Error);
        Assert.Contains("usage: Coordinator demo", coordinator.Error);
        Assert.Contains("Coordinator status [--seed ADDRESS] [--auth FILE]", coordinator.Error);
        Assert.Equal("", coordinator.Output);
    }

    [Fact]
    public void Status_without_the_clusters_credentials_says_so_in_one_line_and_exits_2()
    {
        using var coordinator = DotnetProgram.Start("Coordinator", "status", "--seed", "akka.ssl.tcp://mp@127.0.0.1:9");
        Assert.Equal(2, coordinator.WaitForExit(Patience));
        Assert.Contains("--auth FILE", coordinator.Error);
    }

    private sealed class Reported(Action<MpPoolProgress> report) : IProgress<MpPoolProgress>
    {
        public void Report(MpPoolProgress value) => report(value);
    }
}
