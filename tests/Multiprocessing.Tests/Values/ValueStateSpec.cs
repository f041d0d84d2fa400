using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Values;
using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing.Tests.Values;

/// <summary>The actor-held Value/Array (what a Manager hosts), driven by probes standing in for the handles of processes.</summary>
public sealed class ValueStateSpec : Akka.TestKit.Xunit2.TestKit
{
    private IActorRef NewValue(int[] initial, bool withLock = true) =>
        Sys.ActorOf(SharedObjectActor.Props(ValueState.Of<int>(initial, withLock)));

    private static int[] Ints(ValueData data) => Typecodes.FromBytes<int>(data.Bytes);

    [Fact]
    public void Writes_are_read_back_by_any_caller_and_out_of_range_bytes_are_refused()
    {
        var value = NewValue([1, 2, 3]);
        value.Tell(new ValueWrite(1, 4, BitConverter.GetBytes(20), "a/1"));
        ExpectMsg<ValueDone>(d => d.RequestId == 1);

        var other = CreateTestProbe();
        value.Tell(new ValueRead(2, 0, 12, "b/1"), other.Ref);
        Assert.Equal([1, 20, 3], Ints(other.ExpectMsg<ValueData>()));

        value.Tell(new ValueRead(3, 8, 8, null));
        ExpectMsg<ValueRefused>(r => r.RequestId == 3);
    }

    [Fact]
    public void The_lock_is_an_RLock_its_owner_reenters_and_only_its_owner_releases()
    {
        var value = NewValue([0]);
        value.Tell(new ValueLockAcquire(1, "a/1", Wait: true));
        ExpectMsg<ValueLockGranted>(g => g.RequestId == 1 && !g.Abandoned);
        value.Tell(new ValueLockAcquire(2, "a/1", Wait: false));
        ExpectMsg<ValueLockGranted>(g => g.RequestId == 2);

        value.Tell(new ValueLockRelease(3, "a/2"));
        ExpectMsg<ValueRefused>(r => r.Reason.Contains("un-acquired"));

        var other = CreateTestProbe();
        value.Tell(new ValueLockAcquire(4, "b/1", Wait: false), other.Ref);
        other.ExpectMsg<ValueLockBusy>();

        value.Tell(new ValueLockRelease(5, "a/1"));
        ExpectMsg<ValueDone>();
        value.Tell(new ValueLockAcquire(6, "b/1", Wait: false), other.Ref);
        other.ExpectMsg<ValueLockBusy>(); // still held once

        value.Tell(new ValueLockRelease(7, "a/1"));
        ExpectMsg<ValueDone>();
        value.Tell(new ValueLockAcquire(8, "b/1", Wait: false), other.Ref);
        other.ExpectMsg<ValueLockGranted>(g => g.RequestId == 8);
    }

    [Fact]
    public void Reads_and_writes_of_others_wait_for_the_holder_in_order_and_raw_ones_do_not()
    {
        var value = NewValue([5]);
        value.Tell(new ValueLockAcquire(1, "a/1", Wait: true));
        ExpectMsg<ValueLockGranted>();

        var other = CreateTestProbe();
        value.Tell(new ValueWrite(2, 0, BitConverter.GetBytes(7), "b/1"), other.Ref);
        value.Tell(new ValueRead(3, 0, 4, "b/1"), other.Ref);
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        value.Tell(new ValueRead(4, 0, 4, null), other.Ref); // the raw object
        Assert.Equal([5], Ints(other.ExpectMsg<ValueData>(d => d.RequestId == 4)));
        value.Tell(new ValueRead(5, 0, 4, "a/1")); // the holder itself
        Assert.Equal([5], Ints(ExpectMsg<ValueData>()));

        value.Tell(new ValueLockRelease(6, "a/1"));
        ExpectMsg<ValueDone>();
        other.ExpectMsg<ValueDone>(d => d.RequestId == 2);
        Assert.Equal([7], Ints(other.ExpectMsg<ValueData>(d => d.RequestId == 3)));
    }

    [Fact]
    public void Waiters_get_the_lock_in_arrival_order_and_a_cancelled_waiter_is_answered_cancelled()
    {
        var value = NewValue([0]);
        value.Tell(new ValueLockAcquire(1, "a/1", Wait: true));
        ExpectMsg<ValueLockGranted>();
        var b = CreateTestProbe();
        var c = CreateTestProbe();
        var d = CreateTestProbe();
        value.Tell(new ValueLockAcquire(2, "b/1", Wait: true), b.Ref);
        value.Tell(new ValueLockAcquire(3, "c/1", Wait: true), c.Ref);
        value.Tell(new ValueLockAcquire(4, "d/1", Wait: true), d.Ref);

        value.Tell(new CancelRequest(3), c.Ref);
        c.ExpectMsg<RequestCancelled>(r => r.RequestId == 3);
        value.Tell(new CancelRequest(1)); // answered already: nothing more
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        value.Tell(new ValueLockRelease(5, "a/1"));
        ExpectMsg<ValueDone>();
        b.ExpectMsg<ValueLockGranted>(g => g.RequestId == 2);
        d.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        value.Tell(new ValueLockRelease(6, "b/1"), b.Ref);
        b.ExpectMsg<ValueDone>();
        d.ExpectMsg<ValueLockGranted>(g => g.RequestId == 4 && !g.Abandoned);
    }

    [Fact]
    public void A_holder_whose_node_ends_leaves_the_lock_to_the_next_waiter_marked_abandoned()
    {
        var value = NewValue([0]);
        var holder = CreateTestProbe();
        value.Tell(new ValueLockAcquire(1, "a/1", Wait: true), holder.Ref);
        holder.ExpectMsg<ValueLockGranted>();
        var waiter = CreateTestProbe();
        value.Tell(new ValueLockAcquire(2, "b/1", Wait: true), waiter.Ref);
        waiter.ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        Sys.Stop(holder.Ref);
        waiter.ExpectMsg<ValueLockGranted>(g => g.RequestId == 2 && g.Abandoned);
        value.Tell(new ValueLockRelease(3, "b/1"), waiter.Ref);
        waiter.ExpectMsg<ValueDone>();
        value.Tell(new ValueLockAcquire(4, "b/1", Wait: true), waiter.Ref);
        waiter.ExpectMsg<ValueLockGranted>(g => !g.Abandoned);
    }

    [Fact]
    public void A_raw_object_refuses_lock_calls_and_never_waits()
    {
        var value = NewValue([1], withLock: false);
        value.Tell(new ValueLockAcquire(1, "a/1", Wait: true));
        ExpectMsg<ValueRefused>(r => r.Reason.Contains("lock: false"));
        value.Tell(new ValueWrite(2, 0, BitConverter.GetBytes(9), "a/1"));
        ExpectMsg<ValueDone>();
        value.Tell(new ValueRead(3, 0, 4, "b/1"));
        Assert.Equal([9], Ints(ExpectMsg<ValueData>()));
    }

    [Fact]
    public void The_state_survives_serialization_with_its_holder_and_waiters()
    {
        var state = ValueState.Of<int>([3, 4]);
        var host = new RecordingHost(TestActor);
        var waiter = CreateTestProbe();
        state.Handle(new ValueLockAcquire(1, "a/1", true), TestActor, host);
        state.Handle(new ValueLockAcquire(2, "b/1", true), waiter.Ref, host);
        ExpectMsg<ValueLockGranted>();

        var serializer = new Akka.Serialization.HyperionSerializer((ExtendedActorSystem)Sys); // as the cluster moves an entity
        var moved = (ValueState)serializer.FromBinary(serializer.ToBinary(state), typeof(ValueState));
        Assert.Contains(waiter.Ref, moved.Watched);
        moved.Handle(new ValueLockRelease(3, "a/1"), TestActor, host);
        ExpectMsg<ValueDone>();
        waiter.ExpectMsg<ValueLockGranted>(g => g.RequestId == 2);
        moved.Handle(new ValueRead(4, 0, 8, "b/1"), waiter.Ref, host);
        Assert.Equal([3, 4], Ints(waiter.ExpectMsg<ValueData>()));
    }

    private sealed class RecordingHost(IActorRef self) : ISharedStateHost
    {
        public IActorRef Self { get; } = self;

        public void Watch(IActorRef actor)
        {
        }

        public Multiprocessing.Queues.LedgerReaders Ledgers { get; } = new();
    }
}
