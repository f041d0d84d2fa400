using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Sync;

namespace Multiprocessing.Tests.Sync;

public sealed class SemaphoreStateSpec : SyncStateSpec
{
    [Fact]
    public void Units_are_taken_until_none_is_left_then_waiters_are_served_in_order_as_units_come_back()
    {
        var sem = Host(new SemaphoreState(2, bounded: false));
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        sem.Tell(new SemaphoreAcquire(1, a.Ref, true), a.Ref);
        sem.Tell(new SemaphoreAcquire(2, a.Ref, true), a.Ref);
        a.ExpectMsg<SyncDone>(d => d.RequestId == 1);
        a.ExpectMsg<SyncDone>(d => d.RequestId == 2);
        sem.Tell(new SemaphoreAcquire(3, b.Ref, true), b.Ref);
        sem.Tell(new SemaphoreAcquire(4, c.Ref, true), c.Ref);
        sem.Tell(new SemaphoreAcquire(5, c.Ref, false), c.Ref);
        c.ExpectMsg<SyncBusy>(d => d.RequestId == 5);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        sem.Tell(new SemaphoreRelease(6, 2), a.Ref);
        a.ExpectMsg<SyncDone>(d => d.RequestId == 6);
        b.ExpectMsg<SyncDone>(d => d.RequestId == 3);
        c.ExpectMsg<SyncDone>(d => d.RequestId == 4);
        sem.Tell(new SemaphoreGetValue(7), a.Ref);
        a.ExpectMsg<SyncCount>(v => v.Value == 0);

        // An unbounded semaphore may go above its initial value.
        sem.Tell(new SemaphoreRelease(8, 5), a.Ref);
        a.ExpectMsg<SyncDone>();
        sem.Tell(new SemaphoreGetValue(9), a.Ref);
        a.ExpectMsg<SyncCount>(v => v.Value == 5);
    }

    [Fact]
    public void A_negative_initial_value_is_refused_at_creation() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemaphoreState(-1, bounded: false));

    [Fact]
    public void A_bounded_semaphore_refuses_a_release_above_its_initial_value()
    {
        var sem = Host(new SemaphoreState(1, bounded: true));
        sem.Tell(new SemaphoreRelease(1, 1));
        ExpectMsg<SyncRefused>(r => r.RequestId == 1);
        sem.Tell(new SemaphoreAcquire(2, TestActor, true));
        ExpectMsg<SyncDone>();
        sem.Tell(new SemaphoreRelease(3, 2));
        ExpectMsg<SyncRefused>(r => r.RequestId == 3);
        sem.Tell(new SemaphoreRelease(4, 1));
        ExpectMsg<SyncDone>(r => r.RequestId == 4);
    }

    [Fact]
    public void A_cancelled_or_dead_waiter_takes_no_unit()
    {
        var sem = Host(new SemaphoreState(0, bounded: false));
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        sem.Tell(new SemaphoreAcquire(1, a.Ref, true), a.Ref);
        sem.Tell(new SemaphoreAcquire(2, b.Ref, true), b.Ref);
        sem.Tell(new SemaphoreAcquire(3, c.Ref, true), c.Ref);
        sem.Tell(new CancelRequest(1), a.Ref);
        a.ExpectMsg<RequestCancelled>(r => r.RequestId == 1);
        Gone(b.Ref, sem, new SemaphoreGetValue(99));

        sem.Tell(new SemaphoreRelease(4, 1));
        ExpectMsg<SyncDone>();
        c.ExpectMsg<SyncDone>(d => d.RequestId == 3);
    }
}

public sealed class EventStateSpec : SyncStateSpec
{
    [Fact]
    public void Set_wakes_every_waiter_and_later_waits_return_at_once_until_cleared()
    {
        var ev = Host(new EventState());
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        ev.Tell(new EventWait(1, a.Ref), a.Ref);
        ev.Tell(new EventWait(2, b.Ref), b.Ref);
        ev.Tell(new EventIsSet(3));
        ExpectMsg<SyncFlag>(f => !f.Value);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        ev.Tell(new EventSet(4));
        ExpectMsg<SyncDone>();
        a.ExpectMsg<SyncFlag>(f => f.RequestId == 1 && f.Value);
        b.ExpectMsg<SyncFlag>(f => f.RequestId == 2 && f.Value);
        ev.Tell(new EventWait(5, a.Ref), a.Ref);
        a.ExpectMsg<SyncFlag>(f => f.RequestId == 5 && f.Value);

        ev.Tell(new EventClear(6));
        ExpectMsg<SyncDone>();
        ev.Tell(new EventWait(7, a.Ref), a.Ref);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        ev.Tell(new CancelRequest(7), a.Ref);
        a.ExpectMsg<RequestCancelled>(r => r.RequestId == 7);
    }
}
