using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Sync;

namespace Multiprocessing.Tests.Sync;

public sealed class ConditionStateSpec : SyncStateSpec
{
    [Fact]
    public void Notify_wakes_the_oldest_sleepers_and_one_that_comes_before_the_await_is_kept()
    {
        var cond = Host(new ConditionState());
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        foreach (var (probe, ticket) in new[] { (a, 1L), (b, 2L), (c, 3L) })
        {
            cond.Tell(new ConditionEnlist(ticket, probe.Ref), probe.Ref);
            probe.ExpectMsg<SyncDone>();
        }
        cond.Tell(new ConditionAwait(10, 1), a.Ref);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // a is awaiting, b has not come to await yet: both are notified, c is not.
        cond.Tell(new ConditionNotify(20, 2));
        ExpectMsg<SyncCount>(n => n.Value == 2);
        a.ExpectMsg<SyncFlag>(f => f.RequestId == 10 && f.Value);
        cond.Tell(new ConditionAwait(11, 2), b.Ref);
        b.ExpectMsg<SyncFlag>(f => f.RequestId == 11 && f.Value);
        cond.Tell(new ConditionAwait(12, 3), c.Ref);
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        cond.Tell(new ConditionNotify(21, int.MaxValue));
        ExpectMsg<SyncCount>(n => n.Value == 1);
        c.ExpectMsg<SyncFlag>(f => f.RequestId == 12);
    }

    [Fact]
    public void A_cancelled_await_and_a_leave_drop_the_sleeper_so_notifies_go_to_the_others()
    {
        var cond = Host(new ConditionState());
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        cond.Tell(new ConditionEnlist(1, a.Ref), a.Ref);
        cond.Tell(new ConditionEnlist(2, b.Ref), b.Ref);
        cond.Tell(new ConditionEnlist(3, c.Ref), c.Ref);
        a.ExpectMsg<SyncDone>();
        b.ExpectMsg<SyncDone>();
        c.ExpectMsg<SyncDone>();
        cond.Tell(new ConditionAwait(10, 1), a.Ref);
        cond.Tell(new CancelRequest(10), a.Ref);
        a.ExpectMsg<RequestCancelled>(r => r.RequestId == 10);
        cond.Tell(new ConditionLeave(11, 2), b.Ref);
        b.ExpectMsg<SyncDone>();

        cond.Tell(new ConditionNotify(20, 1));
        ExpectMsg<SyncCount>(n => n.Value == 1);
        cond.Tell(new ConditionAwait(12, 3), c.Ref);
        c.ExpectMsg<SyncFlag>(f => f.RequestId == 12 && f.Value);
    }

    [Fact]
    public void A_sleeper_whose_process_ended_does_not_swallow_a_notify()
    {
        var cond = Host(new ConditionState());
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var tokenA = CreateTestProbe();
        cond.Tell(new ConditionEnlist(1, tokenA.Ref), a.Ref);
        cond.Tell(new ConditionEnlist(2, b.Ref), b.Ref);
        a.ExpectMsg<SyncDone>();
        b.ExpectMsg<SyncDone>();
        cond.Tell(new ConditionAwait(10, 1), a.Ref);
        cond.Tell(new ConditionAwait(11, 2), b.Ref);
        Gone(tokenA.Ref, cond, new ConditionNotify(99, 0));

        cond.Tell(new ConditionNotify(20, 1));
        ExpectMsg<SyncCount>(n => n.Value == 1);
        b.ExpectMsg<SyncFlag>(f => f.RequestId == 11);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
