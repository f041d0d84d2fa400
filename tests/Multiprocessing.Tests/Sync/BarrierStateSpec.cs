using Akka.Actor;
using Akka.TestKit;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Sync;

namespace Multiprocessing.Tests.Sync;

public sealed class BarrierStateSpec : SyncStateSpec
{
    private static void Arrive(IActorRef barrier, TestProbe party, long id, bool hasAction = false) =>
        barrier.Tell(new BarrierWait(id, party.Ref, hasAction), party.Ref);

    [Fact]
    public void A_barrier_needs_at_least_one_party() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BarrierState(0));

    [Fact]
    public void The_parties_are_released_together_with_distinct_indices_and_the_barrier_is_reusable()
    {
        var barrier = Host(new BarrierState(3));
        var parties = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        for (var round = 0; round < 2; round++)
        {
            Arrive(barrier, parties[0], 1);
            Arrive(barrier, parties[1], 2);
            parties[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            barrier.Tell(new BarrierStatus(9));
            ExpectMsg<BarrierStatusReply>(s => s.Waiting == 2 && s.Parties == 3 && !s.Broken);
            Arrive(barrier, parties[2], 3);
            Assert.Equal([0, 1, 2], parties.Select(p => p.ExpectMsg<BarrierPassed>().Index));
        }
    }

    [Fact]
    public void The_last_arrival_runs_the_action_before_the_others_go_and_arrivals_meanwhile_start_the_next_round()
    {
        var barrier = Host(new BarrierState(2));
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Arrive(barrier, a, 1, hasAction: true);
        Arrive(barrier, b, 2, hasAction: true);
        b.ExpectMsg<BarrierRunAction>(r => r.Index == 1);
        Arrive(barrier, c, 3, hasAction: true);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        barrier.Tell(new BarrierActionDone(4, Failed: false), b.Ref);
        b.ExpectMsg<SyncDone>();
        a.ExpectMsg<BarrierPassed>(p => p.Index == 0);
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // first of the next round
        barrier.Tell(new BarrierStatus(5));
        ExpectMsg<BarrierStatusReply>(s => s.Waiting == 1);
    }

    [Fact]
    public void A_failed_action_breaks_the_barrier_for_everyone_until_reset()
    {
        var barrier = Host(new BarrierState(2));
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Arrive(barrier, a, 1, hasAction: true);
        Arrive(barrier, b, 2, hasAction: true);
        b.ExpectMsg<BarrierRunAction>();
        barrier.Tell(new BarrierActionDone(3, Failed: true), b.Ref);
        b.ExpectMsg<BarrierBroken>(r => r.RequestId == 3);
        a.ExpectMsg<BarrierBroken>(r => r.RequestId == 1);
        Arrive(barrier, a, 4);
        a.ExpectMsg<BarrierBroken>(r => r.RequestId == 4);

        barrier.Tell(new BarrierReset(5));
        ExpectMsg<SyncDone>();
        Arrive(barrier, a, 6);
        Arrive(barrier, b, 7);
        a.ExpectMsg<BarrierPassed>();
        b.ExpectMsg<BarrierPassed>();
    }

    [Fact]
    public void A_party_that_gives_up_breaks_the_barrier_for_the_others()
    {
        var barrier = Host(new BarrierState(3));
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Arrive(barrier, a, 1);
        Arrive(barrier, b, 2);
        barrier.Tell(new CancelRequest(2), b.Ref);
        b.ExpectMsg<RequestCancelled>(r => r.RequestId == 2);
        a.ExpectMsg<BarrierBroken>(r => r.RequestId == 1);
        barrier.Tell(new BarrierStatus(3));
        ExpectMsg<BarrierStatusReply>(s => s.Broken && s.Waiting == 0);
    }

    [Fact]
    public void Abort_and_reset_break_the_current_waiters_and_a_dead_party_breaks_it_too()
    {
        var barrier = Host(new BarrierState(3));
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Arrive(barrier, a, 1);
        barrier.Tell(new BarrierAbort(2));
        ExpectMsg<SyncDone>();
        a.ExpectMsg<BarrierBroken>(r => r.RequestId == 1);

        barrier.Tell(new BarrierReset(3));
        ExpectMsg<SyncDone>();
        Arrive(barrier, a, 4);
        barrier.Tell(new BarrierReset(5));
        ExpectMsg<SyncDone>();
        a.ExpectMsg<BarrierBroken>(r => r.RequestId == 4);

        var dying = CreateTestProbe();
        Arrive(barrier, a, 6);
        Arrive(barrier, dying, 7);
        Gone(dying.Ref, barrier, new BarrierStatus(99));
        a.ExpectMsg<BarrierBroken>(r => r.RequestId == 6);
    }
}
