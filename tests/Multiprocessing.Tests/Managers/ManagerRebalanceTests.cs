using Akka.Cluster.Sharding;
using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Managers;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Managers;

/// <summary>
/// A Manager's objects while the cluster changes under a child process that keeps writing: a worker
/// started by hand joins (the shards rebalance onto it), or leaves gracefully (its shards are handed
/// over). Every write the child saw acknowledged is there afterwards. Each test runs its own cluster.
/// (Dicts written while workers join and others are killed: ManagerFailoverTests.)
/// </summary>
public sealed class ManagerRebalanceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const int Dicts = 12;

    [Fact]
    public async Task A_worker_leaving_gracefully_hands_its_objects_over_with_their_state()
    {
        using var auth = new AuthFile();
        var mp = await Mp.StartAsync(new MpOptions { Workers = 2, AuthFile = auth.Path });
        using var leaver = DotnetProgram.Start("WorkerNode", "--seed", mp.Address, "--auth", auth.Path, "--name", "leaver", "--assembly", typeof(ManagerTargets).Assembly.Location);
        try
        {
            await mp.WaitForWorkersAsync(3, Patience);
            await using var manager = await mp.ManagerAsync();
            // The leaver must hold some of the dicts: create them once its region takes shards.
            await AllRegionsRegisteredAsync(mp, 3);
            var dicts = Enumerable.Range(0, Dicts).Select(_ => manager.Dict<int, int>()).ToArray();
            var (writer, stop, acknowledged) = StartWriter(mp, dicts);
            var before = await Keeper(mp).Ask<ManagerKeeperActor.Counts>(new ManagerKeeperActor.GetCounts(), Patience);

            var cluster = Cluster.Get(mp.Runtime.System);
            var youngest = cluster.State.Members.Where(m => m.HasRole("worker")).Aggregate((a, b) => a.IsOlderThan(b) ? b : a);
            cluster.Leave(youngest.Address);
            Assert.Equal(0, leaver.WaitForExit(Patience));
            // The leaver held some of the dicts (shards spread over the three workers): they were saved, then restored elsewhere.
            var after = await Keeper(mp).Ask<ManagerKeeperActor.Counts>(new ManagerKeeperActor.GetCounts(), Patience);
            Assert.True(after.Saved > before.Saved, $"no state was handed over (saved {before.Saved} -> {after.Saved})");

            await AssertEveryAcknowledgedWriteIsThere(dicts, writer, stop, acknowledged);
        }
        finally
        {
            await mp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Manager_queues_that_move_to_a_joining_worker_while_processes_put_and_get_lose_and_duplicate_nothing()
    {
        using var auth = new AuthFile();
        var mp = await Mp.StartAsync(new MpOptions { Workers = 2, AuthFile = auth.Path });
        DotnetProgram? joiner = null;
        try
        {
            await using var manager = await mp.ManagerAsync();
            // Queues only: a state saved by a hand-off is a queue's. Number i goes through queue i % 12.
            var queues = Enumerable.Range(0, Dicts).Select(_ => manager.Queue<int>()).ToArray();
            var stop = mp.Queue<int>();
            var produced = mp.Queue<int>();
            var consumed = mp.Queue<string>();
            var producer = mp.Process(Multiprocessing.Tests.Queues.QueueTargets.ProduceRoundRobin, queues, stop, produced);
            var consumer = mp.Process(Multiprocessing.Tests.Queues.QueueTargets.ConsumeRoundRobin, queues, consumed);
            producer.Start();
            consumer.Start();
            Assert.StartsWith("at ", consumed.Get(block: true, Patience)); // items flow
            var before = await Keeper(mp).Ask<ManagerKeeperActor.Counts>(new ManagerKeeperActor.GetCounts(), Patience);

            joiner = DotnetProgram.Start("WorkerNode", "--seed", mp.Address, "--auth", auth.Path, "--name", "joiner", "--assembly", typeof(ManagerTargets).Assembly.Location);
            await mp.WaitForWorkersAsync(3, Patience);
            // Some queues move to the joiner, with their items, leases and waiting gets, while both processes go on.
            await Keeper(mp).Ask<ManagerKeeperActor.Counts>(new ManagerKeeperActor.AwaitSaved(before.Saved + 1), Patience);
            // Items keep flowing after the move.
            var progress = consumed.Get(block: true, Patience)!;
            if (progress.StartsWith("at ", StringComparison.Ordinal)) progress = consumed.Get(block: true, Patience)!;

            stop.Put(1);
            var put = produced.Get(block: true, Patience);
            while (progress.StartsWith("at ", StringComparison.Ordinal)) progress = consumed.Get(block: true, Patience)!;
            Assert.Equal($"took {put}", progress);
            Assert.True(producer.Join(Patience));
            Assert.True(consumer.Join(Patience));
        }
        finally
        {
            await mp.DisposeAsync();
            joiner?.Dispose();
        }
    }

    private static IActorRef Keeper(MpContext mp) => mp.Runtime.Managers.Keeper;

    // Asks the shard coordinator (through the coordinator's region proxy) until it knows this many regions.
    private static async Task AllRegionsRegisteredAsync(MpContext mp, int regions)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stats = await mp.Runtime.Managers.Region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(2)), Patience);
            if (stats.Regions.Count >= regions) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{stats.Regions.Count} of {regions} Manager regions registered.");
        }
    }

    private static (MpProcess Writer, MpQueue<int> Stop, MpQueue<int> Acknowledged) StartWriter(MpContext mp, MpDict<int, int>[] dicts)
    {
        var stop = mp.Queue<int>();
        var acknowledged = mp.Queue<int>();
        var writer = mp.Process(ManagerTargets.WriteUntilStopped, dicts, stop, acknowledged);
        writer.Start();
        Assert.True(acknowledged.Get(block: true, Patience) < 0); // writes flow, to every dict
        return (writer, stop, acknowledged);
    }

    private static async Task AssertEveryAcknowledgedWriteIsThere(MpDict<int, int>[] dicts, MpProcess writer, MpQueue<int> stop, MpQueue<int> acknowledged)
    {
        // A few more writes after the change, then stop.
        var progress = acknowledged.Get(block: true, Patience);
        Assert.True(progress < 0);
        stop.Put(1);
        int written;
        while ((written = acknowledged.Get(block: true, Patience)) < 0) { }
        Assert.True(writer.Join(Patience));
        Assert.Equal(0, writer.ExitCode);

        for (var d = 0; d < dicts.Length; d++)
        {
            var keys = Enumerable.Range(0, written).Where(i => i % dicts.Length == d).ToList();
            Assert.Equal(keys, await dicts[d].GetManyAsync(keys));
            Assert.Equal(keys.Count, dicts[d].Count);
        }
    }
}
