using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Queues;

/// <summary>Queues between real worker OS processes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class QueueTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private static void StartAndJoin(params MpProcess[] processes)
    {
        foreach (var process in processes) process.Start();
        foreach (var process in processes)
        {
            Assert.True(process.Join(Patience));
            Assert.Equal(0, process.ExitCode);
        }
    }

    [Fact]
    public void A_consumer_in_another_process_gets_items_that_together_are_far_over_a_frame()
    {
        const int items = 300, size = 100_000; // 30 MB queued, over twice the 16 MiB frame: a get must not borrow them all at once
        var queue = Mp.Queue<byte[]>();
        for (var i = 0; i < items; i++) queue.Put(new byte[size]);
        var total = Mp.Queue<long>();
        StartAndJoin(Mp.Process(QueueTargets.CountBytes, queue, items, total));
        Assert.Equal((long)items * size, total.Get(block: true, Patience));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void Items_from_many_producer_processes_arrive_exactly_once_in_order_per_producer(MpStartMethod method)
    {
        var queue = Mp.Queue<string>();
        var context = Mp.GetContext(method);
        var producers = Enumerable.Range(0, 3).Select(p => context.Process(QueueTargets.Produce, $"p{p}", 2000, queue)).ToArray();
        producers.ToList().ForEach(p => p.Start());

        var received = Enumerable.Range(0, 6000).Select(_ => queue.Get(block: true, Patience)!).ToList();
        producers.ToList().ForEach(p => Assert.True(p.Join(Patience)));

        Assert.Equal(6000, received.Distinct().Count());
        foreach (var producer in new[] { "p0", "p1", "p2" })
        {
            var sequence = received.Where(r => r.StartsWith(producer + ":")).Select(r => int.Parse(r[(producer.Length + 1)..])).ToList();
            Assert.Equal(Enumerable.Range(0, 2000), sequence);
        }
        Assert.True(queue.Empty());
    }

    [Fact]
    public void Items_are_shared_by_several_consumer_processes_each_exactly_once()
    {
        var queue = Mp.Queue<string>();
        var results = Mp.Queue<string>();
        var consumers = Enumerable.Range(0, 2).Select(_ => Mp.Process(QueueTargets.Consume, queue, results)).ToArray();
        consumers.ToList().ForEach(c => c.Start());
        for (var i = 0; i < 1000; i++) queue.Put($"item-{i}");
        queue.Put("stop");
        queue.Put("stop");
        consumers.ToList().ForEach(c => Assert.True(c.Join(Patience)));

        var got = Enumerable.Range(0, 1000).Select(_ => results.Get(block: true, Patience)!).ToList();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"item-{i}").Order(), got.Select(g => g.Split('|')[1]).Order());
        Assert.Throws<MpQueueEmptyException>(() => results.Get(block: true, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_consumer_that_times_out_or_is_cancelled_swallows_nothing()
    {
        var queue = Mp.Queue<string>();
        Assert.Throws<MpQueueEmptyException>(() => queue.Get(block: true, TimeSpan.FromMilliseconds(100)));
        Assert.Throws<MpQueueEmptyException>(() => queue.GetNowait());
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.GetAsync(cancel.Token));

        StartAndJoin(Mp.Process(QueueTargets.Produce, "late", 1, queue));

        Assert.Equal("late:0", queue.Get(block: true, Patience));
        Assert.True(queue.Empty());
    }

    [Fact]
    public void A_bounded_queue_applies_back_pressure()
    {
        var bounded = Mp.Queue<int>(maxSize: 2);
        bounded.PutNowait(1);
        bounded.Put(2);
        Assert.True(bounded.Full());
        Assert.Throws<MpQueueFullException>(() => bounded.PutNowait(3));
        Assert.Throws<MpQueueFullException>(() => bounded.Put(3, block: true, TimeSpan.FromMilliseconds(100)));
        Assert.Equal(2, bounded.QSize());

        // A producer process's put waits at the full queue, and returns once a get makes room.
        var put = Mp.Event();
        var producer = Mp.Process(QueueTargets.PutThenSay, bounded, 3, put);
        producer.Start();
        Assert.True(OsProcesses.WaitUntil(() => bounded.WaitingProducersAsync().GetAwaiter().GetResult() == 1, Patience), "no put waits at the full queue");
        Assert.False(put.IsSet());
        Assert.Equal(2, bounded.QSize());

        Assert.Equal(1, bounded.Get(block: true, Patience));
        Assert.True(put.Wait(Patience));
        Assert.True(producer.Join(Patience));
        Assert.Equal([2, 3], new[] { bounded.Get(block: true, Patience), bounded.Get(block: true, Patience) });
    }

    [Fact]
    public void An_item_that_cannot_be_serialized_fails_the_put_naming_its_type()
    {
        var queue = Mp.Queue<object>();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var error = Assert.Throws<MpSerializationException>(() => queue.Put(self));
        Assert.Contains("System.Diagnostics.Process", error.Message);
        Assert.True(queue.Empty());
    }

    [Fact]
    public void A_20_MiB_item_over_the_frame_size_arrives_intact_both_ways()
    {
        var queue = Mp.Queue<byte[]>();
        var big = new byte[20 * 1024 * 1024];
        new Random(5).NextBytes(big);
        var echo = Mp.Queue<byte[]>();
        var relay = Mp.Process(Relay, queue, echo);
        relay.Start();
        queue.Put(big);
        Assert.Equal(big, echo.Get(block: true, Patience));
        Assert.True(relay.Join(Patience));
    }

    private static void Relay(MpQueue<byte[]> from, MpQueue<byte[]> to) => to.Put(from.Get()!);

    [Fact]
    public void A_closed_handle_refuses_puts_and_gets()
    {
        var queue = Mp.Queue<int>();
        queue.Put(1);
        queue.Close();
        Assert.Throws<InvalidOperationException>(() => queue.Put(2));
        Assert.Throws<InvalidOperationException>(() => queue.Get());
    }

    [Fact]
    public async Task A_disposed_handle_is_closed_as_by_Close_and_other_processes_keep_their_own()
    {
        var queue = Mp.Queue<int>();
        using (queue) queue.Put(1);
        Assert.Throws<InvalidOperationException>(() => queue.Put(2));
        Assert.Throws<InvalidOperationException>(() => queue.Get());
        queue.Dispose(); // again: nothing

        var results = Mp.Queue<string>();
        StartAndJoin(Mp.Process(QueueTargets.TakeThenDisposeThenPut, queue, results));
        Assert.Equal("got 1", results.Get(block: true, Patience));
        Assert.Equal("put refused", results.Get(block: true, Patience));

        var simple = Mp.SimpleQueue<int>();
        await simple.DisposeAsync();
        Assert.Throws<InvalidOperationException>(() => simple.Put(1));
        var joinable = Mp.JoinableQueue<int>();
        joinable.Dispose();
        Assert.Throws<InvalidOperationException>(() => joinable.Put(1));
    }

    [Fact]
    public void A_queue_handle_travels_through_another_queue_and_keeps_working()
    {
        var mailbox = Mp.Queue<MpQueue<string>>();
        var replies = Mp.Queue<string>();
        var process = Mp.Process(QueueTargets.AnswerOnTheQueueReceived, mailbox);
        process.Start();
        mailbox.Put(replies);
        Assert.Equal($"hello from {process.Name}", replies.Get(block: true, Patience));
        Assert.True(process.Join(Patience));
    }

    [Fact]
    public void Everything_a_process_put_just_before_it_ended_is_delivered()
    {
        var queue = Mp.Queue<string>();
        StartAndJoin(Mp.Process(QueueTargets.Produce, "burst", 20_000, queue));
        Assert.Equal(20_000, queue.QSize());
    }

    [Fact]
    public void Null_items_travel()
    {
        var queue = Mp.Queue<string?>();
        queue.Put(null);
        queue.Put("x");
        Assert.Null(queue.Get());
        Assert.Equal("x", queue.Get());
    }

    [Fact]
    public void A_joinable_queue_joins_once_every_item_is_done()
    {
        var tasks = Mp.JoinableQueue<int>();
        for (var i = 0; i < 5; i++) tasks.Put(i);
        Assert.False(tasks.Join(TimeSpan.FromMilliseconds(100)));

        StartAndJoin(Mp.Process(QueueTargets.WorkThroughJoinable, tasks, 5));

        Assert.True(tasks.Join(Patience));
        Assert.Throws<InvalidOperationException>(tasks.TaskDone);
    }

    [Fact]
    public void A_simple_queue_carries_items_between_processes()
    {
        var queue = Mp.SimpleQueue<string>();
        Assert.True(queue.Empty());
        StartAndJoin(Mp.Process(QueueTargets.SimplePut, queue, "simple"));
        Assert.False(queue.Empty());
        Assert.Equal("simple", queue.Get());
    }
}
