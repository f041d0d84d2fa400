using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Managers;

/// <summary>A Manager's objects used from real worker OS processes (spawn) and from actors on worker nodes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ManagerTests(ClusterFixture cluster) : ClusterTest(cluster)
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
    public async Task A_Manager_keeps_0_or_1_copies_of_its_objects()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Mp.ManagerAsync(replicas: 2));
        Assert.Equal("replicas", error.ParamName);
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public async Task A_child_fills_a_dict_and_reverses_a_list_the_parent_sees_it_in_pythons_shape(MpStartMethod method)
    {
        await using var manager = await Mp.ManagerAsync();
        var d = manager.Dict<object, object?>();
        var l = manager.List(Enumerable.Range(0, 10));

        StartAndJoin(Mp.GetContext(method).Process(ManagerTargets.FillAndReverse, d, l));

        Assert.Equal("{1: '1', '2': 2, 0.25: None}", d.ToString());
        Assert.Equal("[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]", l.ToString());
        Assert.Equal(3, d.Count);
        Assert.Equal([1, "2", 0.25], d.Keys());
        Assert.Null(d[0.25]);
    }

    [Fact]
    public async Task A_spawned_child_makes_its_one_at_a_time_calls_over_a_direct_link_to_the_objects_node()
    {
        await using var manager = await Mp.ManagerAsync();
        var d = manager.Dict<int, int>();
        var answered = Mp.Queue<long>();

        StartAndJoin(Mp.Process(ManagerTargets.WriteOneAtATime, d, 500, answered));

        // The first calls go through the shard region while the object is located and the link set up.
        Assert.InRange(answered.Get(block: true, Patience), 400, 500);
        Assert.Equal(500, d.Count);
        Assert.Equal(Enumerable.Range(0, 500).Sum(), d.Values().Sum());
    }

    [Fact]
    public async Task Dict_operations_follow_pythons_dict()
    {
        await using var manager = await Mp.ManagerAsync();
        var d = manager.Dict(new Dictionary<string, int> { ["a"] = 1 });
        d["b"] = 2;
        d.Update([new("c", 3), new("a", 10)]);
        Assert.Equal(["a", "b", "c"], d.Keys());
        Assert.Equal([10, 2, 3], d.Values());
        Assert.True(d.ContainsKey("b"));
        Assert.False(d.TryGetValue("z", out _));
        Assert.Equal(7, d.Get("z", 7));
        Assert.Equal(2, d.SetDefault("b", 99));
        Assert.Equal(99, d.SetDefault("y", 99));
        Assert.Equal(99, d.Pop("y"));
        Assert.Equal(-1, d.Pop("y", -1));
        Assert.False(d.Remove("y"));
        Assert.Equal(new KeyValuePair<string, int>("c", 3), d.PopItem());
        Assert.Equal([10, 2], await d.GetManyAsync(["a", "b"]));
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => d.SetAsync($"k{i}", i)));
        Assert.Equal(102, d.Count);
        d.Clear();
        Assert.Equal(0, d.Count);
        Assert.Throws<KeyNotFoundException>(() => d.PopItem());
    }

    [Fact]
    public async Task List_operations_follow_pythons_list()
    {
        await using var manager = await Mp.ManagerAsync();
        var l = manager.List<int>();
        l.Append(3);
        l.Extend([1, 2]);
        l.Insert(0, 0);
        l.Insert(100, 9); // Python clamps an insertion index
        Assert.Equal([0, 3, 1, 2, 9], l.ToList());
        Assert.Equal(9, l[-1]);
        Assert.Equal(9, l.Pop());
        Assert.Equal(0, l.Pop(0));
        l.Sort();
        Assert.Equal([1, 2, 3], l.ToList());
        l.Sort(reverse: true);
        Assert.Equal([3, 2], l.Slice(0, -1));
        l[0] = 30;
        l.Remove(2);
        Assert.Equal(1, l.IndexOf(1));
        Assert.Equal(-1, l.IndexOf(77));
        Assert.Equal(1, l.CountOf(30));
        l.RemoveAt(-1);
        Assert.Equal("[30]", l.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => l[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => l.Pop(5));
        Assert.Throws<InvalidOperationException>(() => l.Remove(5));
    }

    [Fact]
    public async Task Errors_raised_by_an_operation_come_back_as_the_same_kind_in_a_child_process()
    {
        await using var manager = await Mp.ManagerAsync();
        manager.Register(() => new Counter());
        var results = Mp.Queue<string>();

        StartAndJoin(Mp.Process(ManagerTargets.ReportErrors, manager.Dict<string, int>(), manager.List<int>(), manager.Namespace(), results));
        StartAndJoin(Mp.Process(ManagerTargets.ReportCounterError, manager.Create<Counter>(), results));

        string[] kinds = [nameof(KeyNotFoundException), nameof(ArgumentOutOfRangeException), nameof(InvalidOperationException),
            nameof(MissingMemberException), nameof(CounterException)];
        var reported = Enumerable.Range(0, kinds.Length).Select(_ => results.Get(block: true, Patience)!).ToList();
        Assert.Equal(kinds, reported.Select(r => r.Split(':')[0]));
        Assert.Contains("boom", reported[^1]);
    }

    [Fact]
    public async Task A_registered_object_is_shared_and_every_call_is_atomic()
    {
        await using var manager = await Mp.ManagerAsync();
        manager.Register(() => new Counter { Value = 100 });
        var counter = manager.Create<Counter>();
        var d = manager.Dict<string, int>();

        StartAndJoin(
            Mp.Process(ManagerTargets.CountUp, counter, d, 150),
            Mp.Process(ManagerTargets.CountUp, counter, d, 150),
            Mp.GetContext(MpStartMethod.Actor).Process(ManagerTargets.CountUp, counter, d, 150));

        Assert.Equal(550, counter.Call(c => c.Get()));
        Assert.Equal(450, d.Count);
        var amount = 5;
        Assert.Equal(555, await counter.CallAsync(c => c.Add(amount)));
        Assert.Throws<InvalidOperationException>(() => manager.Create<string>());
    }

    [Fact]
    public async Task A_namespace_takes_attributes_typed_or_dynamic()
    {
        await using var manager = await Mp.ManagerAsync();
        var ns = manager.Namespace();

        StartAndJoin(Mp.Process(ManagerTargets.SetOnNamespace, ns));

        dynamic dyn = ns;
        Assert.Equal(42, (int)dyn.x);
        Assert.StartsWith("Process-", ns.Get<string>("name"));
        // Get<T> returns the value as it was stored (an int), cast to T: object works, another type does not.
        Assert.Equal(42, Assert.IsType<int>(ns.Get<object?>("x")));
        Assert.Throws<InvalidCastException>(() => ns.Get<long>("x"));
        Assert.Equal(["name", "x"], ns.Names());
        ns.Delete("x");
        Assert.False(ns.Has("x"));
        Assert.Throws<MissingMemberException>(() => ns.Get<int>("x"));
    }

    [Fact]
    public async Task A_proxy_sent_through_a_queue_works_in_the_process_that_got_it()
    {
        await using var manager = await Mp.ManagerAsync();
        var d = manager.Dict<string, string>();
        var mailbox = Mp.Queue<MpDict<string, string>>();
        var child = Mp.Process(ManagerTargets.WriteToTheDictReceived, mailbox);
        child.Start();
        mailbox.Put(d);
        Assert.True(child.Join(Patience));
        Assert.Equal(0, child.ExitCode);
        Assert.Equal(child.Name, d["from"]);
    }

    [Fact]
    public async Task After_the_manager_is_disposed_its_proxies_throw_ObjectDisposedException_here_and_in_children()
    {
        var manager = await Mp.ManagerAsync();
        var d = manager.Dict<string, int>();
        var unused = manager.List<int>([1]);
        d["x"] = 1;
        await manager.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => d["x"]);
        Assert.Throws<ObjectDisposedException>(() => unused.Count);
        Assert.Throws<ObjectDisposedException>(() => manager.Dict<int, int>());
        var results = Mp.Queue<string>();
        StartAndJoin(Mp.Process(ManagerTargets.UseAfterDispose, d, results));
        Assert.StartsWith(nameof(ObjectDisposedException), results.Get(block: true, Patience));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public async Task A_manager_queue_delivers_every_item_once_in_order_per_producer(MpStartMethod method)
    {
        await using var manager = await Mp.ManagerAsync();
        var queue = manager.Queue<string>();
        var context = Mp.GetContext(method);
        var producers = Enumerable.Range(0, 2).Select(_ => context.Process(ManagerTargets.ProduceOnManagerQueue, queue, 500)).ToArray();
        StartAndJoin(producers);

        var received = Enumerable.Range(0, 1000).Select(_ => queue.Get(block: true, Patience)!).ToList();
        foreach (var producer in producers)
            Assert.Equal(Enumerable.Range(0, 500).Select(i => $"{producer.Name}:{i}"), received.Where(r => r.StartsWith(producer.Name + ":")));
        Assert.Throws<MpQueueEmptyException>(() => queue.Get(block: true, TimeSpan.FromMilliseconds(200)));
        var bounded = manager.Queue<int>(maxSize: 1);
        bounded.Put(1);
        Assert.Throws<MpQueueFullException>(() => bounded.PutNowait(2));
    }

    [Fact]
    public async Task A_manager_joinable_queue_joins_once_a_child_marked_every_item_done()
    {
        await using var manager = await Mp.ManagerAsync();
        var tasks = manager.JoinableQueue<int>();
        var done = manager.List<int>();
        for (var i = 0; i < 20; i++) tasks.Put(i);
        var worker = Mp.Process(ManagerTargets.WorkThrough, tasks, done, 20);
        worker.Start();
        Assert.True(tasks.Join(Patience));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 10), done.ToList());
        Assert.True(worker.Join(Patience));
        Assert.Throws<InvalidOperationException>(() => tasks.TaskDone());
    }

    [Fact]
    public async Task A_manager_lock_makes_read_modify_write_atomic_across_processes()
    {
        await using var manager = await Mp.ManagerAsync();
        var lk = manager.Lock();
        var d = manager.Dict<string, int>();
        d["n"] = 0;

        StartAndJoin(
            Mp.Process(ManagerTargets.IncrementUnderLock, lk, d, 50),
            Mp.Process(ManagerTargets.IncrementUnderLock, lk, d, 50),
            Mp.GetContext(MpStartMethod.Actor).Process(ManagerTargets.IncrementUnderLock, lk, d, 50));

        Assert.Equal(150, d["n"]);
    }

    [Fact]
    public async Task A_manager_event_and_barrier_release_processes_together()
    {
        await using var manager = await Mp.ManagerAsync();
        var go = manager.Event();
        var barrier = manager.Barrier(3);
        var log = manager.List<string>();
        var processes = Enumerable.Range(0, 2).Select(_ => Mp.Process(ManagerTargets.WaitForEventThenMeetAtBarrier, go, barrier, log)).ToArray();
        foreach (var p in processes) p.Start();

        Assert.Equal(0, log.Count);
        go.Set();
        Assert.True(go.IsSet());
        barrier.Wait(Patience);
        foreach (var p in processes)
        {
            Assert.True(p.Join(Patience));
            Assert.Equal(0, p.ExitCode);
        }
        Assert.Equal(["went", "went", "met", "met"], log.ToList().Order(StringComparer.Ordinal).Reverse());
        var semaphore = manager.BoundedSemaphore(1);
        Assert.True(semaphore.Acquire(block: false));
        Assert.False(semaphore.Acquire(block: false));
        semaphore.Release();
        Assert.Throws<SemaphoreFullException>(() => semaphore.Release()); // a bounded semaphore released too often
    }

    [Fact]
    public async Task Disposing_the_manager_fails_a_blocked_acquire_with_ObjectDisposedException()
    {
        var manager = await Mp.ManagerAsync();
        var lk = manager.Lock();
        Assert.True(lk.Acquire());
        var blocked = lk.AcquireAsync(Patience);
        Assert.False(blocked.IsCompleted);

        await manager.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => blocked);
        Assert.Throws<ObjectDisposedException>(() => lk.Release());
    }

    [Fact]
    public async Task A_manager_array_prints_as_pythons_array_after_a_child_wrote_it()
    {
        await using var manager = await Mp.ManagerAsync();
        var arr = manager.Array(new double[5]);
        StartAndJoin(Mp.Process(ManagerTargets.SetFirst, arr));
        Assert.Equal("array('d', [1.0, 0.0, 0.0, 0.0, 0.0])", arr.ToString()); // the notebook's print(arr)
        Assert.Equal("array('i', [1, -2])", manager.Array([1, -2]).ToString());
        Assert.Equal("array('f')", manager.Array<float>(0).ToString());
    }

    [Fact]
    public async Task A_manager_value_and_array_are_shared_with_their_lock()
    {
        await using var manager = await Mp.ManagerAsync();
        var counter = manager.Value(0);
        var arr = manager.Array<double>(3);

        StartAndJoin(
            Mp.Process(ManagerTargets.AddUnderValueLock, counter, arr, 40),
            Mp.GetContext(MpStartMethod.Actor).Process(ManagerTargets.AddUnderValueLock, counter, arr, 40));

        Assert.Equal(80, counter.Value);
        Assert.Equal([0.0, 0.0, 9.5], arr.ToArray());
    }

    [Fact]
    public async Task A_manager_condition_wakes_a_waiter_when_a_child_notifies()
    {
        await using var manager = await Mp.ManagerAsync();
        var ready = manager.Condition();
        var ns = manager.Namespace();
        using (ready.Hold())
        {
            var child = Mp.Process(ManagerTargets.NotifyWhenReady, ready, ns);
            child.Start();
            Assert.True(ready.WaitFor(() => ns.Has("ready"), Patience));
            Assert.True(child.Join(Patience));
        }
        Assert.True(ns.Get<bool>("ready"));
    }
}
