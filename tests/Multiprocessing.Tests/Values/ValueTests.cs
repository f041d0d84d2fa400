using Multiprocessing.Tests.Support;
using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing.Tests.Values;

/// <summary>
/// Value and Array across real worker processes, for each way an object is held: "segment" (the
/// same-host shared memory, the default), "remote" (the same segment, every handle going through
/// the creator's actor as from another host) and "actor" (multiprocessing.shared-memory = off).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ValueTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private static SharedObjectHome Home(string home) => home switch
    {
        "segment" => SharedObjectHome.Segment,
        "remote" => SharedObjectHome.SegmentViaActor,
        "actor" => SharedObjectHome.Actor,
        _ => throw new ArgumentOutOfRangeException(nameof(home)),
    };

    private MpValue<T> NewValue<T>(string home, T initial, bool withLock = true) where T : unmanaged =>
        new(SharedValueRef.Create<T>(Mp.Runtime, [initial], withLock, Home(home)));

    private MpArray<T> NewArray<T>(string home, T[] initial, bool withLock = true) where T : unmanaged =>
        new(SharedValueRef.Create<T>(Mp.Runtime, initial, withLock, Home(home)));

    private static void StartAndJoin(params MpProcess[] processes)
    {
        foreach (var process in processes) process.Start();
        foreach (var process in processes)
        {
            Assert.True(process.Join(Patience), $"{process} did not end");
            Assert.Equal(0, process.ExitCode);
        }
    }

    // Children by spawn (fresh OS processes) map the segment; those on the worker nodes test the actor paths, warm.
    private MpContext ContextFor(string home) => Mp.GetContext(home == "segment" ? MpStartMethod.Spawn : MpStartMethod.Actor);

    [Theory]
    [InlineData("segment", MpStartMethod.Spawn)]
    [InlineData("segment", MpStartMethod.Actor)]
    [InlineData("remote", MpStartMethod.Actor)]
    [InlineData("actor", MpStartMethod.Spawn)]
    public void Every_typecode_type_round_trips_both_ways_through_a_child(string home, MpStartMethod method)
    {
        var checks = new List<Action>();
        var handles = new List<object>();

        void Case<T>(T v, T a0, T a1) where T : unmanaged
        {
            var value = NewValue(home, v);
            var array = NewArray(home, [a0, a1]);
            handles.AddRange([value, array]);
            checks.Add(() =>
            {
                Assert.Equal(a1, value.Value);
                Assert.Equal([v, a0], array.ToArray());
            });
        }

        Case<sbyte>(sbyte.MinValue, -1, sbyte.MaxValue);
        Case<byte>(0, 200, byte.MaxValue);
        Case<short>(short.MinValue, -2, short.MaxValue);
        Case<ushort>(1, 50_000, ushort.MaxValue);
        Case(int.MinValue, -3, int.MaxValue);
        Case(3u, 4_000_000_000u, uint.MaxValue);
        Case(long.MinValue, -4L, long.MaxValue);
        Case(5UL, 1UL << 63, ulong.MaxValue);
        Case(float.MinValue, -0.5f, float.Epsilon);
        Case(3.1415927, -0.0, double.MaxValue);
        Case('a', 'é', '\uffff');
        Case(true, false, true);

        StartAndJoin(Mp.GetContext(method).Process(ValueTargets.RotateAll, handles.ToArray()));
        checks.ForEach(check => check());
    }

    [Theory]
    [InlineData("segment", 4)]
    [InlineData("remote", 3)]
    [InlineData("actor", 2)]
    public void Increments_under_the_lock_from_several_processes_are_exact(string home, int processes)
    {
        var times = home == "segment" ? 5000 : 200; // through the actor, every read, write and lock call is a request
        var value = NewValue(home, 0);
        var array = NewArray(home, new long[3]);
        var context = ContextFor(home);
        var children = Enumerable.Range(0, processes).Select(_ => context.Process(ValueTargets.Increment, value, times))
            .Append(context.Process(ValueTargets.IncrementEach, array, times)).Append(context.Process(ValueTargets.IncrementEach, array, times));
        StartAndJoin([.. children]);

        Assert.Equal(processes * times, value.Value);
        Assert.Equal([2L * times, 4L * times, 6L * times], array.ToArray());
    }

    [Fact]
    public void Holders_through_the_actor_and_through_the_segment_exclude_each_other()
    {
        const int times = 300;
        var remote = NewValue("remote", 0);
        var local = new MpValue<int>(remote.Reference.WithPath(viaActor: false)); // the same segment, mapped here
        var children = Enumerable.Range(0, 2).Select(_ => Mp.Process(ValueTargets.Increment, remote, times)).ToArray();
        foreach (var child in children) child.Start();
        ValueTargets.Increment(local, times);
        foreach (var child in children)
        {
            Assert.True(child.Join(Patience));
            Assert.Equal(0, child.ExitCode);
        }

        Assert.Equal(3 * times, local.Value);
        Assert.Equal(3 * times, remote.Value);
    }

    private static T OnOtherThread<T>(Func<T> attempt) =>
        Task.Factory.StartNew(attempt, TaskCreationOptions.LongRunning).WaitAsync(Patience).GetAwaiter().GetResult();

    // The lock belongs to a thread: the test runs as one thread of its own, as a process's main thread would.
    private static Task AsOneThread(Action body) => Task.Factory.StartNew(body, TaskCreationOptions.LongRunning).WaitAsync(Patience);

    [Theory]
    [InlineData("segment")]
    [InlineData("remote")]
    [InlineData("actor")]
    public Task The_lock_is_an_RLock_of_the_calling_thread(string home) => AsOneThread(() =>
    {
        var value = NewValue(home, 7);
        var lk = value.GetLock();
        Assert.True(lk.Acquire());
        Assert.True(lk.Acquire(block: false)); // re-entered
        value.Value += 1; // the holder's own reads and writes do not wait

        Assert.False(OnOtherThread(() => lk.Acquire(block: false)));
        Assert.False(OnOtherThread(() => lk.Acquire(timeout: TimeSpan.FromMilliseconds(50))));
        Assert.Throws<SynchronizationLockException>(() => OnOtherThread(() => { lk.Release(); return true; }));
        var result = NewValue(home, 0);
        StartAndJoin(ContextFor(home).Process(ValueTargets.TryLock, value, result));
        Assert.Equal(2, result.Value);
        result.Value = 0;
        StartAndJoin(ContextFor(home).Process(ValueTargets.TryGivenLock, lk, result));
        Assert.Equal(2, result.Value);

        // Another thread's read waits for the lock, like Python's synchronized get.
        var read = Task.Factory.StartNew(() => value.Value, TaskCreationOptions.LongRunning);
        lk.Release();
        Assert.Throws<TimeoutException>(() => read.WaitAsync(TimeSpan.FromMilliseconds(100)).GetAwaiter().GetResult()); // still held once
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            Assert.ThrowsAny<OperationCanceledException>(() => OnOtherThread(() => lk.AcquireAsync(cancellationToken: cancel.Token).GetAwaiter().GetResult()));
        Assert.False(OnOtherThread(() => lk.AcquireAsync(TimeSpan.FromMilliseconds(50)).GetAwaiter().GetResult()));
        lk.Release();
        Assert.Equal(8, read.WaitAsync(Patience).GetAwaiter().GetResult());

        StartAndJoin(ContextFor(home).Process(ValueTargets.TryLock, value, result));
        Assert.Equal(1, result.Value);
        Assert.Throws<SynchronizationLockException>(() => lk.Release());

        // HoldAsync releases for the thread that acquired, wherever the continuation runs.
        OnOtherThread(async () =>
        {
            await using (await lk.HoldAsync())
            {
                await Task.Yield();
                Assert.False(OnOtherThread(() => lk.Acquire(block: false)));
            }
            return true;
        }).GetAwaiter().GetResult();
        Assert.True(lk.Acquire(block: false));
        lk.Release();
    });

    [Theory]
    [InlineData("segment")]
    [InlineData("actor")]
    public Task Without_a_lock_there_is_no_GetLock_and_the_raw_object_shares_the_memory(string home) => AsOneThread(() =>
    {
        var raw = NewValue(home, 1.5, withLock: false);
        Assert.Contains("lock: false", Assert.Throws<InvalidOperationException>(() => raw.GetLock()).Message);
        raw.Value = 2.5;
        Assert.Equal(2.5, raw.GetObj().Value);

        var array = NewArray(home, new[] { 1, 2 });
        var lk = array.GetLock();
        lk.Acquire();
        var obj = array.GetObj();
        OnOtherThread(() => obj[0] = 10); // get_obj() never waits
        lk.Release();
        Assert.Equal([10, 2], array.ToArray());
    });

    [Theory]
    [InlineData("segment")]
    [InlineData("remote")]
    public void Arrays_have_Python_slices_and_bounds(string home)
    {
        var array = NewArray(home, Enumerable.Range(0, 10).ToArray());
        Assert.Equal(10, array.Length);
        Assert.Equal([2, 3, 4], array[2..5]);
        Assert.Equal([0, 1], array.Slice(0, 2));
        Assert.Equal(9, array[^1]);
        Assert.Throws<IndexOutOfRangeException>(() => array[10]);
        Assert.Throws<IndexOutOfRangeException>(() => array[-1] = 0);
        Assert.Throws<ArgumentException>(() => array[0..2] = [1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => array[5..11]);

        StartAndJoin(ContextFor(home).Process(ValueTargets.WriteSlice, array));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 70, 80, 90], array.ToArray());
        array[..3] = [-1, -2, -3];
        Assert.Equal([-1, -2, -3, 3], array[..4]);
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("remote")]
    [InlineData("actor")]
    public void A_child_killed_holding_the_lock_leaves_it_to_the_next_acquire_marked_abandoned(string home)
    {
        var value = NewValue(home, 0);
        var held = Mp.Queue<string>();
        var never = Mp.Queue<string>();
        var child = Mp.Process(ValueTargets.HoldUntilKilled, value, held, never);
        child.Start();
        try
        {
            Assert.Equal("held", held.Get(block: true, Patience));
            Assert.False(value.GetLock().Acquire(block: false));
            child.Kill();
            Assert.True(child.Join(Patience));

            var lk = value.GetLock();
            Assert.Throws<MpAbandonedLockException>(() => lk.Acquire(timeout: Patience));
            Assert.Equal(-1, value.Value); // held now: the half-done update is there to repair
            value.Value = 0;
            lk.Release();
            Assert.True(lk.Acquire(block: false)); // released for good, and no longer abandoned
            lk.Release();
        }
        finally
        {
            if (child.IsAlive) child.Kill();
        }
    }

    [Fact]
    public void The_segment_file_goes_with_the_process_that_created_it_and_its_handles_then_fail_clearly()
    {
        var mailbox = Mp.Queue<MpValue<int>>();
        var creator = Mp.Process(ValueTargets.CreateAndSend, mailbox);
        creator.Start();
        var value = mailbox.Get(block: true, Patience)!;
        Assert.True(creator.Join(Patience));
        Assert.Equal(0, creator.ExitCode);

        var path = value.Reference.SegmentPath;
        Assert.NotNull(path);
        Assert.StartsWith(ShmFiles.Folder, path);
        Assert.False(File.Exists(path));
        Assert.Throws<MpRemoteGoneException>(() => value.Value);
    }

    [Fact]
    public void The_segment_of_a_killed_creator_is_removed_by_the_next_process_that_makes_one()
    {
        var paths = Mp.Queue<string>();
        var never = Mp.Queue<string>();
        var creator = Mp.Process(ValueTargets.CreateAndWait, paths, never);
        creator.Start();
        var path = paths.Get(block: true, Patience);
        Assert.True(File.Exists(path));
        creator.Kill();
        Assert.True(creator.Join(Patience));
        Assert.True(File.Exists(path)); // nobody could remove it yet

        StartAndJoin(Mp.Process(ValueTargets.CreateOne));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void An_array_prints_as_pythons_array_with_the_typecode_of_its_type()
    {
        Assert.Equal("array('d', [1.0, -0.5])", Mp.Array([1.0, -0.5]).ToString());
        Assert.Equal("array('f', [0.5])", Mp.Array([0.5f]).ToString());
        Assert.Equal("array('i', [1, -2])", Mp.Array([1, -2]).ToString());
        Assert.Equal("array('q', [1099511627776])", Mp.Array([1L << 40]).ToString());
        Assert.Equal("array('h', [-3])", Mp.Array([(short)-3]).ToString());
        Assert.Equal("array('B', [255])", Mp.Array([(byte)255]).ToString());
        Assert.Equal("array('b', [-1])", Mp.Array([(sbyte)-1]).ToString());
        Assert.Equal("array('I', [4294967295])", Mp.Array([uint.MaxValue]).ToString());
        Assert.Equal("array('Q', [18446744073709551615])", Mp.Array([ulong.MaxValue]).ToString());
        Assert.Equal("array('H', [65535])", Mp.Array([ushort.MaxValue]).ToString());
        Assert.Equal("array('u', 'hi')", Mp.Array(['h', 'i']).ToString());
        Assert.Equal("array('?', [True])", Mp.Array([true]).ToString()); // ctypes' c_bool: Python's array module has no '?'
        Assert.Equal("array('d')", Mp.Array<double>(0, @lock: false).ToString());
    }

    [Fact]
    public void Only_the_typecode_types_can_be_shared()
    {
        Assert.Throws<NotSupportedException>(() => Mp.Value(1m));
        Assert.Throws<NotSupportedException>(() => Mp.Array<nint>(3));
    }
}
