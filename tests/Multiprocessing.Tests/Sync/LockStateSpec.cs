using Akka.Actor;
using Akka.TestKit;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Sync;

namespace Multiprocessing.Tests.Sync;

/// <summary>The Lock and RLock states in their actor; probes stand in for the callers' inboxes and the process tokens.</summary>
public sealed class LockStateSpec : SyncStateSpec
{
    private IActorRef NewLock(bool reentrant = false) => Host(new LockState(reentrant));

    private static void Acquire(IActorRef lk, TestProbe caller, IActorRef token, long id, bool wait = true, int thread = 1, int count = 1) =>
        lk.Tell(new LockAcquire(id, token, thread, wait, count), caller.Ref);

    private static void Release(IActorRef lk, TestProbe caller, IActorRef token, long id, int thread = 1, bool forWait = false) =>
        lk.Tell(new LockRelease(id, token, thread, forWait), caller.Ref);

    [Fact]
    public void Waiters_are_granted_in_arrival_order_one_at_a_time()
    {
        var lk = NewLock();
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Acquire(lk, a, a.Ref, 1);
        a.ExpectMsg<LockGranted>(g => g.RequestId == 1 && !g.Abandoned);
        Acquire(lk, b, b.Ref, 2);
        Acquire(lk, c, c.Ref, 3);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Release(lk, a, a.Ref, 4);
        a.ExpectMsg<LockReleased>(r => r.RequestId == 4);
        b.ExpectMsg<LockGranted>(g => g.RequestId == 2);
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Release(lk, b, b.Ref, 5);
        c.ExpectMsg<LockGranted>(g => g.RequestId == 3);
    }

    [Fact]
    public void A_non_blocking_acquire_of_a_held_lock_is_busy_and_releasing_an_unlocked_lock_is_refused()
    {
        var lk = NewLock();
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Release(lk, a, a.Ref, 1);
        a.ExpectMsg<SyncRefused>(r => r.RequestId == 1);

        Acquire(lk, a, a.Ref, 2);
        a.ExpectMsg<LockGranted>();
        Acquire(lk, b, b.Ref, 3, wait: false);
        b.ExpectMsg<SyncBusy>(r => r.RequestId == 3);

        // A plain Lock may be released by another process, as Python's.
        Release(lk, b, b.Ref, 4);
        b.ExpectMsg<LockReleased>();
    }

    [Fact]
    public void A_cancelled_wait_is_answered_cancelled_and_never_granted()
    {
        var lk = NewLock();
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Acquire(lk, a, a.Ref, 1);
        a.ExpectMsg<LockGranted>();
        Acquire(lk, b, b.Ref, 2);
        lk.Tell(new CancelRequest(2), b.Ref);
        b.ExpectMsg<RequestCancelled>(r => r.RequestId == 2);

        Release(lk, a, a.Ref, 3);
        a.ExpectMsg<LockReleased>();
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Acquire(lk, c, c.Ref, 4, wait: false);
        c.ExpectMsg<LockGranted>();
    }

    [Fact]
    public void A_cancel_that_comes_after_the_grant_is_ignored_and_the_caller_holds_the_lock()
    {
        var lk = NewLock();
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Acquire(lk, a, a.Ref, 1);
        a.ExpectMsg<LockGranted>();
        lk.Tell(new CancelRequest(1), a.Ref);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Acquire(lk, b, b.Ref, 2, wait: false);
        b.ExpectMsg<SyncBusy>();
    }

    [Fact]
    public void A_lock_whose_holder_process_ends_goes_to_the_next_waiter_as_abandoned_once()
    {
        var lk = NewLock();
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var tokenA = CreateTestProbe();
        Acquire(lk, a, tokenA.Ref, 1);
        a.ExpectMsg<LockGranted>();
        Acquire(lk, b, b.Ref, 2);
        Acquire(lk, c, c.Ref, 3);

        Sys.Stop(tokenA.Ref);
        b.ExpectMsg<LockGranted>(g => g.RequestId == 2 && g.Abandoned);
        Release(lk, b, b.Ref, 4);
        c.ExpectMsg<LockGranted>(g => g.RequestId == 3 && !g.Abandoned);
    }

    [Fact]
    public void An_abandoned_lock_with_nobody_waiting_tells_the_next_acquirer()
    {
        var lk = NewLock();
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var tokenA = CreateTestProbe();
        Acquire(lk, a, tokenA.Ref, 1);
        a.ExpectMsg<LockGranted>();
        Gone(tokenA.Ref, lk, new LockIsMine(99, a.Ref, 1));

        Acquire(lk, b, b.Ref, 2, wait: false);
        b.ExpectMsg<LockGranted>(g => g.Abandoned);
    }

    [Fact]
    public void A_waiter_whose_process_ended_is_dropped_and_not_granted()
    {
        var lk = NewLock();
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var tokenB = CreateTestProbe();
        Acquire(lk, a, a.Ref, 1);
        a.ExpectMsg<LockGranted>();
        Acquire(lk, b, tokenB.Ref, 2);
        Acquire(lk, c, c.Ref, 3);
        Gone(tokenB.Ref, lk, new LockIsMine(99, a.Ref, 1));

        Release(lk, a, a.Ref, 4);
        c.ExpectMsg<LockGranted>(g => g.RequestId == 3 && !g.Abandoned);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void An_RLock_is_reentrant_for_its_owner_thread_and_only_the_owner_releases()
    {
        var lk = NewLock(reentrant: true);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Acquire(lk, a, a.Ref, 1, thread: 7);
        a.ExpectMsg<LockGranted>();
        Acquire(lk, a, a.Ref, 2, thread: 7);
        a.ExpectMsg<LockGranted>();
        Acquire(lk, a, a.Ref, 3, thread: 8, wait: false);
        a.ExpectMsg<SyncBusy>(); // same process, other thread

        Release(lk, b, b.Ref, 4, thread: 7);
        b.ExpectMsg<SyncRefused>();
        Release(lk, a, a.Ref, 5, thread: 8);
        a.ExpectMsg<SyncRefused>();

        Acquire(lk, b, b.Ref, 6);
        Release(lk, a, a.Ref, 7, thread: 7);
        a.ExpectMsg<LockReleased>(r => r.Count == 2);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Release(lk, a, a.Ref, 8, thread: 7);
        a.ExpectMsg<LockReleased>(r => r.Count == 1);
        b.ExpectMsg<LockGranted>(g => g.RequestId == 6);
    }

    [Fact]
    public void A_release_for_a_condition_wait_frees_every_level_and_the_reacquire_restores_them()
    {
        var lk = NewLock(reentrant: true);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Acquire(lk, a, a.Ref, 1);
        Acquire(lk, a, a.Ref, 2);
        a.ExpectMsg<LockGranted>();
        a.ExpectMsg<LockGranted>();

        Release(lk, b, b.Ref, 3, forWait: true);
        b.ExpectMsg<SyncRefused>();
        Release(lk, a, a.Ref, 4, forWait: true);
        a.ExpectMsg<LockReleased>(r => r.Count == 2);

        lk.Tell(new LockIsMine(5, a.Ref, 1), a.Ref);
        a.ExpectMsg<SyncFlag>(f => !f.Value);
        Acquire(lk, a, a.Ref, 6, count: 2);
        a.ExpectMsg<LockGranted>();
        Release(lk, a, a.Ref, 7);
        a.ExpectMsg<LockReleased>(r => r.Count == 2);
        lk.Tell(new LockIsMine(8, a.Ref, 1), a.Ref);
        a.ExpectMsg<SyncFlag>(f => f.Value);
    }

    [Fact]
    public void A_condition_async_twin_may_release_for_its_wait_from_any_thread_of_the_owner_process_and_learns_the_owner_thread()
    {
        var lk = NewLock(reentrant: true);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Acquire(lk, a, a.Ref, 1, thread: 7);
        a.ExpectMsg<LockGranted>();
        lk.Tell(new LockIsMine(2, a.Ref, SyncThreads.Any), a.Ref);
        a.ExpectMsg<SyncFlag>(f => f.Value);
        lk.Tell(new LockIsMine(3, b.Ref, SyncThreads.Any), b.Ref);
        b.ExpectMsg<SyncFlag>(f => !f.Value);
        Release(lk, a, a.Ref, 4, thread: SyncThreads.Any); // only a wait may name no thread
        a.ExpectMsg<SyncRefused>();
        Release(lk, b, b.Ref, 5, thread: SyncThreads.Any, forWait: true);
        b.ExpectMsg<SyncRefused>();

        Release(lk, a, a.Ref, 6, thread: SyncThreads.Any, forWait: true);
        a.ExpectMsg<LockReleased>(r => r.Count == 1 && r.Thread == 7);
        Acquire(lk, a, a.Ref, 7, thread: 7);
        a.ExpectMsg<LockGranted>();
    }
}
