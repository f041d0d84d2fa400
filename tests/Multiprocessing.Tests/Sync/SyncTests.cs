using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Sync;

/// <summary>The synchronisation primitives between real OS processes (spawn) and processes on worker nodes (actor).</summary>
[Collection(ClusterCollection.Name)]
public sealed class SyncTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private static void StartAll(params MpProcess[] processes)
    {
        foreach (var process in processes) process.Start();
    }

    private static void JoinAll(params MpProcess[] processes)
    {
        foreach (var process in processes)
        {
            Assert.True(process.Join(Patience), $"{process.Name} did not end");
            Assert.Equal(0, process.ExitCode);
        }
    }

    // "segment": the same-host lock word (the default); "remote": the same lock, every handle through the creator's actor as
    // from another host (which holds the word for them). A mixed test hands both kinds of handle of one lock around.
    private MpLock Lock(string path = "segment") =>
        new(LockClient.Create(Mp.Runtime, reentrant: false, path == "remote" ? SharedObjectHome.SegmentViaActor : SharedObjectHome.Segment));

    private static MpLock Via(MpLock lk, string path) => new(lk.Client.WithPath(viaActor: path == "remote"));

    private static List<T> Take<T>(MpQueue<T> queue, int count) => [.. Enumerable.Range(0, count).Select(_ => queue.Get(block: true, Patience)!)];

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void A_lock_lets_one_process_at_a_time_into_its_critical_section(MpStartMethod method)
    {
        const int times = 15;
        var lk = Mp.Lock();
        var log = Mp.Queue<string>(maxSize: 10_000);
        var context = Mp.GetContext(method);
        var workers = Enumerable.Range(0, 3).Select(_ => context.Process(SyncTargets.EnterUnderLock, lk, log, times)).ToArray();
        StartAll(workers);
        JoinAll(workers);

        var events = Take(log, 3 * times * 2);
        for (var i = 0; i < events.Count; i += 2)
        {
            Assert.StartsWith("enter ", events[i]);
            Assert.Equal("exit " + events[i][6..], events[i + 1]); // nobody entered in between
        }
        Assert.Equal(3, events.Select(e => e.Split(' ')[1]).Distinct().Count());
        Assert.True(log.Empty());
    }

    [Fact]
    public async Task An_acquire_that_times_out_or_is_cancelled_leaves_the_lock_to_the_next_acquirer()
    {
        var lk = Mp.Lock();
        var (held, release) = (Mp.Event(), Mp.Event());
        var holder = Mp.Process(SyncTargets.HoldUntil, lk, held, release);
        holder.Start();
        Assert.True(held.Wait(Patience));

        Assert.False(lk.Acquire(block: false));
        Assert.False(lk.Acquire(block: true, TimeSpan.FromMilliseconds(100)));
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lk.AcquireAsync(cancellationToken: cancel.Token));

        release.Set();
        Assert.True(lk.Acquire(block: true, Patience));
        JoinAll(holder);
        lk.Release();
        Assert.Throws<SynchronizationLockException>(() => lk.Release());
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn, "segment", "segment")]
    [InlineData(MpStartMethod.Actor, "segment", "segment")]
    [InlineData(MpStartMethod.Spawn, "remote", "segment")]
    [InlineData(MpStartMethod.Spawn, "segment", "remote")]
    public void A_lock_held_by_a_killed_process_goes_to_the_next_acquirer_as_abandoned(MpStartMethod method, string holderPath, string waiterPath)
    {
        var created = Lock();
        var lk = Via(created, waiterPath);
        var (held, never) = (Mp.Event(), Mp.Event());
        var holder = Mp.GetContext(method).Process(SyncTargets.HoldUntil, Via(created, holderPath), held, never);
        holder.Start();
        Assert.True(held.Wait(Patience));

        holder.Kill();
        Assert.Throws<MpAbandonedLockException>(() => lk.Acquire(block: true, Patience));
        Assert.True(holder.Join(Patience));

        // The exception came with the lock: this caller holds it, and an acquire after its release is a normal one.
        Assert.False(lk.Acquire(block: false));
        lk.Release();
        Assert.True(lk.Acquire(block: false));
        lk.Release();
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)] // its worker node runs on: only the end of the Process can release the lock
    public void A_lock_held_by_a_process_that_ended_is_abandoned_to_the_next_acquirer(MpStartMethod method)
    {
        var lk = Mp.Lock();
        var holder = Mp.GetContext(method).Process(SyncTargets.AcquireAndEnd, lk);
        holder.Start();
        JoinAll(holder);
        Assert.Throws<MpAbandonedLockException>(() => lk.Acquire(block: true, Patience));
        lk.Release();
    }

    [Fact]
    public void A_process_terminated_while_it_waits_for_a_lock_never_takes_it()
    {
        // An actor-mode Process's thread runs on in its worker node after Terminate: its wait on the word must end
        // with the Process, or it would take the lock afterwards, for good (its pid, the node's, stays alive).
        var lk = Mp.Lock();
        var saying = Mp.Event();
        Assert.True(lk.Acquire(block: false));
        var waiter = Mp.GetContext(MpStartMethod.Actor).Process(SyncTargets.SayThenAcquire, saying, lk);
        waiter.Start();
        Assert.True(saying.Wait(Patience));
        waiter.Terminate();
        Assert.True(waiter.Join(Patience));
        lk.Release();
        Assert.True(lk.Acquire(block: true, Patience), "the terminated process's thread took the lock after its end");
        lk.Release();
    }

    [Fact]
    public async Task A_lock_released_on_one_path_is_free_on_the_other()
    {
        // Python's Lock may be released by anyone: a release on the same-host word must not leave the lock's actor
        // (which serves other hosts) believing it still holds the word, nor the other way round.
        var local = Lock();
        var remote = Via(local, "remote");
        Assert.True(remote.Acquire(block: false));
        Assert.False(local.Acquire(block: false));
        local.Release(); // a same-host release of the remote holder's lock
        Assert.True(local.Acquire(block: false));
        Assert.False(remote.Acquire(block: false));
        local.Release();
        remote.Release(); // its hold was released already: nothing more to free
        Assert.True(remote.Acquire(block: false));
        Assert.False(local.Acquire(block: false));
        remote.Release();

        Assert.True(local.Acquire(block: false));
        remote.Release(); // a remote release of the same-host holder's lock
        Assert.True(remote.Acquire(block: true, Patience));
        remote.Release();
        Assert.True(local.Acquire(block: false));
        local.Release();
        Assert.Throws<SynchronizationLockException>(() => remote.Release());
        Assert.Throws<SynchronizationLockException>(() => local.Release());

        // A remote waiter is granted only with the word: not while a same-host holder has it.
        Assert.True(remote.Acquire(block: false));
        var waiter = Task.Run(() => remote.Acquire(block: true, Patience)); // parked at the actor
        local.Release();
        Assert.True(local.Acquire(block: false));
        remote.Release(); // the actor's holder is done: its next waiter must wait for the word
        var first = await Task.WhenAny(waiter, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(first == waiter, "a remote waiter was granted the lock while a same-host process held it");
        local.Release();
        Assert.True(await waiter.WaitAsync(Patience));
        Assert.False(local.Acquire(block: false));
        remote.Release();
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("remote")]
    public void Only_the_owner_releases_an_RLock_which_its_owner_may_take_again(string path)
    {
        var rlock = new MpRLock(LockClient.Create(Mp.Runtime, reentrant: true, path == "remote" ? SharedObjectHome.SegmentViaActor : SharedObjectHome.Segment));
        var results = Mp.Queue<string>();
        Assert.True(rlock.Acquire());
        Assert.True(rlock.Acquire(block: false));

        var other = Mp.Process(SyncTargets.TryTheRLockOfAnother, rlock, results);
        other.Start();
        JoinAll(other);
        Assert.Equal(["refused", "busy"], Take(results, 2));

        rlock.Release();
        var thread = new Thread(() => results.Put(rlock.Acquire(block: false) ? "acquired" : "busy"));
        thread.Start();
        Assert.True(thread.Join(Patience));
        Assert.Equal("busy", results.Get(block: true, Patience)); // another thread of the owner process
        rlock.Release();
        Assert.Throws<SynchronizationLockException>(() => rlock.Release());
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn, "segment")]
    [InlineData(MpStartMethod.Actor, "mixed")] // the actor's own waiters beside the count's takers
    public void A_semaphore_lets_at_most_its_value_of_processes_in_at_once(MpStartMethod method, string path)
    {
        // Mixed: half the processes go through the semaphore's actor (as from another host), half take units from the shared count.
        const int times = 8;
        var (address, segment) = MpSemaphore.Create(Mp.Runtime, 2, bounded: false);
        MpSemaphore HandleOf(int worker) => new(address, segment! with { ViaActor = path == "mixed" && worker % 2 == 0 });
        var sem = HandleOf(1);
        var log = Mp.Queue<string>(maxSize: 10_000);
        var context = Mp.GetContext(method);
        var workers = Enumerable.Range(0, 4).Select(i => context.Process(SyncTargets.EnterUnderSemaphore, HandleOf(i), log, times)).ToArray();
        StartAll(workers);
        JoinAll(workers);

        var inside = 0;
        var most = 0;
        foreach (var e in Take(log, 4 * times * 2))
        {
            inside += e == "+" ? 1 : -1;
            most = Math.Max(most, inside);
        }
        Assert.Equal(0, inside);
        Assert.InRange(most, 1, 2);
        Assert.Equal(2, sem.GetValue());
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("mixed")]
    public void A_semaphore_of_one_keeps_the_read_then_write_of_several_processes_whole(string path)
    {
        // As the lock's test: only the semaphore keeps each read-then-write whole. Mixed: one process takes its units
        // through the semaphore's actor (as from another host), the others from the shared count itself.
        const int processes = 3, times = 100;
        var (address, segment) = MpSemaphore.Create(Mp.Runtime, 1, bounded: true);
        var counter = Mp.Value(0, @lock: false);
        var start = Mp.Barrier(processes);
        MpSemaphore HandleOf(int worker) => new MpBoundedSemaphore(address, segment! with { ViaActor = path == "mixed" && worker == 0 });
        var workers = Enumerable.Range(0, processes).Select(i => Mp.Process(SyncTargets.IncrementUnderSemaphore, HandleOf(i), counter, start, times)).ToArray();
        StartAll(workers);
        JoinAll(workers);
        Assert.Equal(processes * times, counter.Value);
        Assert.Equal(1, HandleOf(0).GetValue());
        Assert.Equal(1, HandleOf(1).GetValue());
    }

    [Fact]
    public void A_bounded_semaphore_released_too_often_throws_in_the_process_that_did_it()
    {
        var sem = Mp.BoundedSemaphore(1);
        var results = Mp.Queue<string>();
        var process = Mp.Process(SyncTargets.OverReleaseBounded, sem, results);
        process.Start();
        JoinAll(process);
        Assert.Equal("full", results.Get(block: true, Patience));
        Assert.Equal(1, sem.GetValue());
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.Release(0));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn, "segment", "segment")]
    [InlineData(MpStartMethod.Actor, "segment", "segment")]
    [InlineData(MpStartMethod.Spawn, "remote", "segment")]
    [InlineData(MpStartMethod.Spawn, "segment", "remote")]
    public void An_event_set_in_one_process_releases_the_waiters_of_another(MpStartMethod method, string childPath, string mainPath)
    {
        // Remote: the handle goes through the event's actor, as from another host, while the other side uses the
        // shared-memory flag itself: a set on either path must wake a waiter on the other.
        MpEvent Via(MpEvent ev, string path) => ev.WithPath(viaActor: path == "remote");
        var (goMade, doneMade) = (MpEvent.Create(Mp.Runtime), MpEvent.Create(Mp.Runtime));
        var (go, done) = (Via(goMade, mainPath), Via(doneMade, mainPath));
        var child = Mp.GetContext(method).Process(SyncTargets.WaitThenSet, Via(goMade, childPath), Via(doneMade, childPath));
        child.Start();
        Assert.False(done.Wait(TimeSpan.FromMilliseconds(100)));
        Assert.False(done.IsSet());

        go.Set();
        Assert.True(done.Wait(Patience));
        Assert.True(done.IsSet());
        JoinAll(child);
        done.Clear();
        Assert.False(done.IsSet());
        Assert.False(done.Wait(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn, "segment")]
    [InlineData(MpStartMethod.Actor, "segment")]
    [InlineData(MpStartMethod.Spawn, "remote")] // the condition's RLock reached through its actor, as from another host
    public void A_condition_hands_items_from_a_producer_to_a_consumer_process(MpStartMethod method, string path)
    {
        const int count = 5;
        var cond = Mp.Condition(new MpRLock(LockClient.Create(Mp.Runtime, reentrant: true,
            path == "remote" ? SharedObjectHome.SegmentViaActor : SharedObjectHome.Segment)));
        var items = Mp.Queue<int>(maxSize: 100);
        var results = Mp.Queue<int>();
        var consumer = Mp.GetContext(method).Process(SyncTargets.Consume, cond, items, results, count);
        consumer.Start();
        for (var i = 0; i < count; i++)
            using (cond.Hold())
            {
                items.Put(i);
                cond.Notify();
            }
        JoinAll(consumer);
        Assert.Equal(Enumerable.Range(0, count), Take(results, count));
    }

    [Fact]
    public void Waiting_or_notifying_without_the_lock_throws_and_a_timed_out_wait_holds_the_lock_again()
    {
        var lk = Mp.Lock();
        var cond = Mp.Condition(lk);
        Assert.Throws<SynchronizationLockException>(() => cond.Wait(TimeSpan.FromSeconds(1)));
        Assert.Throws<SynchronizationLockException>(() => cond.Notify());
        Assert.Throws<ArgumentException>(() => Mp.Condition(new NotOurLock()));

        using (cond.Hold())
        {
            Assert.False(cond.Wait(TimeSpan.FromMilliseconds(100)));
            Assert.False(lk.Acquire(block: false)); // held again
            Assert.False(cond.WaitFor(() => false, TimeSpan.FromMilliseconds(100)));
            cond.NotifyAll(); // nobody waits: nothing happens
        }
        Assert.True(lk.Acquire(block: false));
        lk.Release();
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void Three_processes_pass_a_barrier_together_with_indices_0_1_2_and_the_action_runs_once(MpStartMethod method)
    {
        var actions = Mp.Queue<string>();
        var barrier = Mp.Barrier(3, SyncTargets.ReportAction(actions));
        var results = Mp.Queue<string>();
        var context = Mp.GetContext(method);
        var parties = Enumerable.Range(0, 3).Select(_ => context.Process(SyncTargets.PassBarrier, barrier, results)).ToArray();
        StartAll(parties);
        JoinAll(parties);

        Assert.Equal(["0", "1", "2"], Take(results, 3).Order());
        Assert.StartsWith("action by Process-", actions.Get(block: true, Patience));
        Assert.Throws<MpQueueEmptyException>(() => actions.Get(block: true, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(3, barrier.Parties);
        Assert.False(barrier.Broken);
    }

    [Fact]
    public void Aborting_a_barrier_breaks_the_waits_of_the_other_processes()
    {
        var barrier = Mp.Barrier(3);
        var results = Mp.Queue<string>();
        var parties = Enumerable.Range(0, 2).Select(_ => Mp.Process(SyncTargets.PassBarrier, barrier, results)).ToArray();
        StartAll(parties);
        var deadline = DateTime.UtcNow + Patience;
        while (barrier.NWaiting < 2) Assert.True(DateTime.UtcNow < deadline, "the parties never arrived");

        barrier.Abort();
        JoinAll(parties);
        Assert.Equal(["broken", "broken"], Take(results, 2));
        Assert.True(barrier.Broken);
        Assert.Throws<MpBrokenBarrierException>(() => barrier.Wait());
        barrier.Reset();
        Assert.False(barrier.Broken);
    }

    [Fact]
    public async Task A_barrier_action_that_throws_fails_its_runner_and_breaks_the_barrier_for_the_others()
    {
        var barrier = Mp.Barrier(2, SyncTargets.FailingAction);
        var first = barrier.WaitAsync(Patience);
        var second = barrier.WaitAsync(Patience);
        var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));
        Assert.Equal([nameof(InvalidOperationException), nameof(MpBrokenBarrierException)], outcomes.Order());
        Assert.True(barrier.Broken);

        static async Task<string> Outcome(Task<int> wait)
        {
            try
            {
                await wait;
                return "passed";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }
    }

    [Fact]
    public void A_barrier_wait_that_times_out_breaks_the_barrier()
    {
        var barrier = Mp.Barrier(2, timeout: TimeSpan.FromMilliseconds(100));
        Assert.Throws<MpBrokenBarrierException>(() => barrier.Wait());
        Assert.True(barrier.Broken);
        Assert.Equal(0, barrier.NWaiting);
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("mixed")] // the remote path alone is the actor's, as before shared memory (LockStateSpec, the kill tests)
    public void A_lock_keeps_the_read_then_write_of_several_processes_whole(string path)
    {
        // Three processes (more than this machine's two cores) add to a Value that has no lock of its own:
        // only the lock under test keeps each read-then-write whole, so a lock that lets two in loses increments.
        // Mixed: one process holds through the actor (as from another host) while the others take the word itself.
        const int processes = 3, times = 100;
        var lk = Lock();
        var counter = Mp.Value(0, @lock: false);
        var start = Mp.Barrier(processes);
        MpLock HandleOf(int worker) => Via(lk, path == "remote" || path == "mixed" && worker == 0 ? "remote" : "segment");
        var workers = Enumerable.Range(0, processes).Select(i => Mp.Process(SyncTargets.IncrementUnderLock, HandleOf(i), counter, start, times)).ToArray();
        StartAll(workers);
        JoinAll(workers);
        Assert.Equal(processes * times, counter.Value);
        Assert.True(lk.Acquire(block: false));
        lk.Release();
    }

    [Fact]
    public void A_free_lock_is_taken_and_released_over_the_direct_link_to_its_node()
    {
        const int times = 200;
        var lk = Lock("remote");
        var answered = Mp.Queue<long>();
        var child = Mp.Process(SyncTargets.AcquireReleaseManyThenCountDirect, lk, times, answered);
        child.Start();
        JoinAll(child);
        // The first calls go over Akka while the link's offer is fetched; then every acquire and release goes direct.
        Assert.InRange(answered.Get(block: true, Patience), times, 2 * times);
        Assert.True(lk.Acquire(block: false));
        lk.Release();
    }

    [Fact]
    public async Task The_async_twins_wait_without_blocking_and_an_RLock_hold_releases_as_the_thread_that_acquired()
    {
        var rlock = Mp.RLock();
        var hold = await rlock.HoldAsync();
        var releaser = new Thread(() => hold.DisposeAsync().AsTask().GetAwaiter().GetResult()); // another thread than the owner
        releaser.Start();
        Assert.True(releaser.Join(Patience));
        Assert.True(rlock.Acquire(block: false));
        rlock.Release();

        var sem = Mp.BoundedSemaphore(1);
        await using (await sem.HoldAsync())
            Assert.False(await sem.AcquireAsync(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1, sem.GetValue());

        var ev = Mp.Event();
        var waiting = ev.WaitAsync(Patience);
        Assert.False(waiting.IsCompleted);
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ev.WaitAsync(cancellationToken: cancel.Token));
        Assert.False(await ev.WaitAsync(TimeSpan.FromMilliseconds(50)));
        await ev.SetAsync();
        Assert.True(await waiting);

        var barrier = Mp.Barrier(2);
        var indices = await Task.WhenAll(barrier.WaitAsync(Patience), barrier.WaitAsync(Patience));
        Assert.Equal([0, 1], indices.Order());

        var cond = Mp.Condition();
        using (cond.Hold())
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cond.WaitAsync(cancellationToken: cancel.Token));
            Assert.False(await cond.WaitForAsync(() => false, TimeSpan.FromMilliseconds(50)));
        }
        Assert.True(cond.Acquire(block: false)); // the hold released every level the waits restored
        cond.Release();
    }

    private sealed class NotOurLock : IMpLock
    {
        public bool Acquire(bool block = true, TimeSpan? timeout = null) => true;
        public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) => Task.FromResult(true);
        public void Release() { }
        public IDisposable Hold() => throw new NotSupportedException();
        public Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
