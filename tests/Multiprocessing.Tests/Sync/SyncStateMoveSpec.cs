using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;

namespace Multiprocessing.Tests.Sync;

/// <summary>
/// A Manager's objects are these states hosted as sharded entities that may move to another node,
/// state and parked requests included: each state survives a Hyperion round trip and goes on.
/// </summary>
public sealed class SyncStateMoveSpec : SyncStateSpec
{
    private T Moved<T>(T state) where T : SharedState
    {
        var serializer = new Akka.Serialization.HyperionSerializer((ExtendedActorSystem)Sys); // the cluster's serializer
        return (T)serializer.FromBinary(serializer.ToBinary(state), typeof(object));
    }

    /// <summary>Hosts <paramref name="state"/>, lets <paramref name="fill"/> park requests in it, and returns its copy as another host would get it.</summary>
    private IActorRef Move(SharedState state, ICorrelated query, Action<IActorRef> fill)
    {
        var first = Host(state);
        fill(first);
        first.Tell(query); // answered once what was sent before is handled: the stop below must not overtake it
        ExpectMsg<ICorrelated>(r => r.RequestId == query.RequestId);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        var moved = Moved(state);
        foreach (var actor in moved.Watched) Assert.NotNull(actor);
        return Host(moved);
    }

    [Fact]
    public void A_held_lock_with_a_waiter_moves_and_grants_the_waiter_on_release()
    {
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        var lk = Move(new LockState(reentrant: true), new LockIsMine(99, a.Ref, 1), first =>
        {
            first.Tell(new LockAcquire(1, a.Ref, 1, true, 1), a.Ref);
            a.ExpectMsg<LockGranted>();
            first.Tell(new LockAcquire(2, b.Ref, 1, true, 1), b.Ref);
            b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        });
        lk.Tell(new LockRelease(3, a.Ref, 1, false), a.Ref);
        a.ExpectMsg<LockReleased>();
        b.ExpectMsg<LockGranted>(g => g.RequestId == 2);
    }

    [Fact]
    public void Semaphore_event_condition_and_barrier_move_with_their_waiters()
    {
        var probe = CreateTestProbe();
        var sem = Move(new SemaphoreState(0, bounded: false), new SemaphoreGetValue(99), first => first.Tell(new SemaphoreAcquire(1, probe.Ref, true), probe.Ref));
        sem.Tell(new SemaphoreRelease(2, 1));
        ExpectMsg<SyncDone>(d => d.RequestId == 2);
        probe.ExpectMsg<SyncDone>(d => d.RequestId == 1);

        var ev = Move(new EventState(), new EventIsSet(99), first => first.Tell(new EventWait(3, probe.Ref), probe.Ref));
        ev.Tell(new EventSet(4));
        ExpectMsg<SyncDone>(d => d.RequestId == 4);
        probe.ExpectMsg<SyncFlag>(f => f.RequestId == 3);

        var cond = Move(new ConditionState(), new ConditionNotify(99, 0), first =>
        {
            first.Tell(new ConditionEnlist(5, probe.Ref), probe.Ref);
            probe.ExpectMsg<SyncDone>();
            first.Tell(new ConditionAwait(6, 5), probe.Ref);
        });
        cond.Tell(new ConditionNotify(7, 1));
        ExpectMsg<SyncCount>(n => n.Value == 1);
        probe.ExpectMsg<SyncFlag>(f => f.RequestId == 6);

        var other = CreateTestProbe();
        var barrier = Move(new BarrierState(2), new BarrierStatus(99), first => first.Tell(new BarrierWait(8, probe.Ref, false), probe.Ref));
        barrier.Tell(new BarrierWait(9, other.Ref, false), other.Ref);
        probe.ExpectMsg<BarrierPassed>(p => p.Index == 0);
        other.ExpectMsg<BarrierPassed>(p => p.Index == 1);
    }
}
