using Multiprocessing.Tests.Support;
using Xunit.Abstractions;

namespace Multiprocessing.Tests.Queues;

/// <summary>
/// Nothing a consumer's code has not received is lost: consumers that exit with items fetched
/// ahead, consumers SIGKILLed while reading or while waiting, a JoinableQueue that redelivers what a
/// dead consumer never finished. Real spawn processes on the shared cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QueueDeliveryTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    [Fact]
    public void With_a_sentinel_per_consumer_every_consumer_ends_and_every_item_arrives_exactly_once()
    {
        // Main 7565739 lost a sentinel in 1 to 3 runs of 6. Rounds run four at a time, which only
        // adds to the races between consumers that the sentinels are exposed to. Every kind of round
        // (Queue or JoinableQueue, spawn or actor consumers, 2 or 3 of them) comes once (twice cost 12 s
        // more of the suite, mostly spawn hosts starting); an actor consumer ends as a spawn one does
        // (its exit hand-back), in milliseconds instead of a host's start.
        const int Rounds = 8;
        Parallel.For(0, Rounds, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            round => RunSentinelRound(joinable: round % 2 == 0, round / 2 % 2 == 0 ? MpStartMethod.Spawn : MpStartMethod.Actor,
                consumers: 2 + round / 4 % 2, round));
    }

    [Fact]
    public void A_blocking_get_never_raises_empty_while_the_queue_recalls_what_it_lent_ahead_to_other_consumers()
    {
        // A consumer that waits while another holds items fetched ahead makes the queue recall them. A recall that came
        // between a get's items and their hand-out took them all, and that get, blocking with no timeout, raised
        // MpQueueEmptyException: the consumer ended with exit code 1 (seen in the SIGKILL test above).
        const int Items = 60_000, Consumers = 3;
        var queue = Mp.Queue<int>();
        var report = Mp.Queue<string>();
        var context = Mp.GetContext(MpStartMethod.Actor);
        var consumers = Enumerable.Range(0, Consumers).Select(_ => context.Process(QueueTargets.CountUntilSentinel, queue, report)).ToList();
        consumers.ForEach(c => c.Start());
        // In small bursts, so that consumers keep running out and waiting while another holds a batch.
        for (var i = 0; i < Items; i++)
        {
            queue.Put(i);
            if (i % 64 == 63) _ = queue.Empty(); // waits for the burst to land
        }
        for (var c = 0; c < Consumers; c++) queue.Put(-1);
        foreach (var consumer in consumers)
        {
            Assert.True(consumer.Join(Patience), $"{consumer.Name} did not end");
            Assert.True(consumer.ExitCode == 0, $"{consumer.Name} ended with {consumer.ExitCode} (its error is on the test's stderr)");
        }
        var reports = Enumerable.Range(0, Consumers).Select(_ => report.Get(block: true, Patience)!.Split(' ').Select(long.Parse).ToArray()).ToList();
        Assert.Equal(Items, reports.Sum(r => r[0]));
        Assert.Equal((long)Items * (Items - 1) / 2, reports.Sum(r => r[1]));
    }

    // A Queue or a JoinableQueue, 2 or 3 consumers, one sentinel each.
    private void RunSentinelRound(bool joinable, MpStartMethod method, int consumers, int round)
    {
        const int Items = 20;
        var queue = joinable ? Mp.JoinableQueue<int>() : Mp.Queue<int>();
        var results = Mp.Queue<int>();
        var context = Mp.GetContext(method);
        var processes = Enumerable.Range(0, consumers).Select(_ => context.Process(QueueTargets.ConsumeUntilSentinel, queue, results)).ToList();
        processes.ForEach(p => p.Start());
        for (var i = 0; i < Items; i++) queue.Put(i);
        for (var c = 0; c < consumers; c++) queue.Put(-1);

        foreach (var process in processes)
        {
            Assert.True(process.Join(Patience), $"round {round}: {process.Name} never got its sentinel ({consumers} {method} consumers)");
            Assert.True(process.ExitCode == 0, $"round {round}: {process.Name} exited with code {process.ExitCode} ({method})");
        }
        var received = Enumerable.Range(0, Items).Select(_ => results.Get(block: true, Patience)).Order();
        Assert.Equal(Enumerable.Range(0, Items), received);
        Assert.True(results.Empty());
        if (queue is MpJoinableQueue<int> tasks) Assert.True(tasks.Join(Patience));
    }

    [Fact]
    public void Items_a_killed_consumer_had_not_received_go_to_the_others_and_none_arrives_twice()
    {
        const int Items = 12_000, Kills = 6, Slice = Items / Kills;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var folder = Directory.CreateTempSubdirectory("mp-kills-").FullName;
        var queue = Mp.Queue<int>();
        var live = new List<(MpProcess Process, string Record)>();
        var records = new List<string>();
        void StartConsumer()
        {
            var record = Path.Combine(folder, $"consumer-{records.Count}.txt");
            records.Add(record);
            var process = Mp.Process(QueueTargets.RecordUntilSentinel, queue, record);
            process.Start();
            live.Add((process, record));
        }
        StartConsumer();
        StartConsumer();

        for (var kill = 0; kill < Kills; kill++)
        {
            for (var i = kill * Slice; i < (kill + 1) * Slice; i++) queue.Put(i);
            // The victim is killed once it has recorded a random number of items: mid-stream, or waiting if the others took them all.
            var (victim, record) = live[random.Next(live.Count)];
            var recorded = random.Next(1, Slice + Slice / 5);
            OsProcesses.WaitUntil(() => File.Exists(record) && new FileInfo(record).Length >= recorded, TimeSpan.FromSeconds(5));
            victim.Kill();
            Assert.True(victim.Join(Patience));
            live.RemoveAll(l => l.Process == victim);
            StartConsumer();
        }
        KilledConsumers.EndAll(queue, [.. live.Select(l => l.Process)], -1, Patience);
        var taken = KilledConsumers.TakeWhatCameBack(queue, item => item == -1, Patience);

        var all = records.Where(File.Exists).SelectMany(File.ReadAllLines).Select(int.Parse).Concat(taken).ToList();
        var twice = all.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (var t in twice)
        {
            foreach (var r in records.Where(File.Exists))
            {
                var lines = File.ReadAllLines(r);
                for (var li = 0; li < lines.Length; li++)
                    if (lines[li] == t.ToString())
                        output.WriteLine($"DUP {t} in {Path.GetFileName(r)} line {li}/{lines.Length}: {string.Join(",", lines.Skip(Math.Max(0, li - 3)).Take(7))}");
            }
            if (taken.Contains(t)) output.WriteLine($"DUP {t} in taken at {taken.IndexOf(t)}/{taken.Count}");
        }
        KilledConsumers.AssertEachOnce(all, Items, Kills, taken.Count, output);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void An_item_handed_to_a_waiting_consumer_that_was_killed_goes_to_another_consumer()
    {
        var queue = Mp.Queue<int>();
        var results = Mp.Queue<int>();
        var victim = Mp.Process(QueueTargets.TakeOneAndReport, queue, results);
        victim.Start();
        Assert.True(OsProcesses.WaitUntil(() => queue.WaitingConsumersAsync().GetAwaiter().GetResult() == 1, Patience));
        victim.Kill();
        Assert.True(victim.Join(Patience));

        queue.Put(42); // before the queue can know the consumer is dead: it is handed to its waiting get
        var other = Mp.Process(QueueTargets.TakeOneAndReport, queue, results);
        other.Start();

        Assert.Equal(42, results.Get(block: true, Patience));
        Assert.True(other.Join(Patience));
        Assert.Equal(0, queue.QSize());
    }

    [Fact]
    public void Items_a_killed_consumer_borrowed_come_back_as_soon_as_its_host_exits()
    {
        // The coordinator sees its spawn host exit and says so to every node: the queue does not
        // wait for the remote failure detector (15 s pause, so that a busy host is not taken for dead).
        var queue = Mp.Queue<int>();
        var received = Mp.Queue<int>();
        foreach (var item in new[] { 1, 2, 3, 4, 5 }) queue.Put(item);
        var victim = Mp.Process(QueueTargets.ReceiveOneAndHang, queue, received);
        victim.Start();
        Assert.Equal(1, received.Get(block: true, Patience)); // it borrowed 2 to 5 with it
        victim.Kill();
        Assert.True(victim.Join(Patience));

        var announced = TimeSpan.FromSeconds(10);
        Assert.Equal([2, 3, 4, 5], Enumerable.Range(0, 4).Select(_ => queue.Get(block: true, announced)));
    }

    [Fact]
    public void A_consumer_frozen_longer_than_a_failure_detector_pause_goes_on_when_it_wakes()
    {
        // SIGSTOP is how a host starved of CPU looks to the others: alive to the OS, silent on the
        // network. With a 4 s pause both sides took the other for dead and the consumer failed.
        var queue = Mp.Queue<int>();
        var results = Mp.Queue<int>();
        var consumer = Mp.Process(QueueTargets.ConsumeUntilSentinel, queue, results);
        consumer.Start();
        queue.Put(1);
        Assert.Equal(1, results.Get(block: true, Patience)); // it waits on the queue now
        OsProcesses.Stop(consumer.Pid!.Value);
        try
        {
            Thread.Sleep(TimeSpan.FromSeconds(9)); // the length of the freeze (4 s pause + 1 s beats, with margin), not a wait for anything
        }
        finally
        {
            OsProcesses.Continue(consumer.Pid!.Value);
        }
        queue.Put(2);
        queue.Put(-1);
        Assert.Equal(2, results.Get(block: true, Patience));
        Assert.True(consumer.Join(Patience));
        Assert.Equal(0, consumer.ExitCode);
    }

    [Fact]
    public void With_redeliver_unfinished_an_item_whose_consumer_died_before_task_done_goes_to_another_and_join_returns_once_it_is_done()
    {
        var queue = Mp.JoinableQueue<int>(redeliverUnfinished: true);
        var received = Mp.Queue<int>();
        queue.Put(7);
        var victim = Mp.Process(QueueTargets.ReceiveAndHang, queue, received);
        victim.Start();
        Assert.Equal(7, received.Get(block: true, Patience)); // its code has the item
        victim.Kill();
        Assert.True(victim.Join(Patience));
        Assert.False(queue.Join(TimeSpan.Zero));

        var other = Mp.Process(QueueTargets.ReceiveReportAndFinish, queue, received);
        other.Start();

        Assert.Equal(7, received.Get(block: true, Patience));
        Assert.True(other.Join(Patience));
        Assert.True(queue.Join(Patience));
    }
}
