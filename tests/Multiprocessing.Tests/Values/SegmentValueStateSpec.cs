using Akka.Actor;
using Multiprocessing.Messages.Values;
using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing.Tests.Values;

/// <summary>
/// The actor that serves a same-host Value to other hosts: its holders and the processes that map
/// the segment share one lock word, so each side waits for the other.
/// </summary>
public sealed class SegmentValueStateSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Remote_holders_and_local_threads_exclude_each_other_through_the_segment()
    {
        var segment = SharedSegment.Create(BitConverter.GetBytes(5));
        try
        {
            var state = new SegmentValueState(segment, withLock: true);
            var actor = Sys.ActorOf(SharedObjectActor.Props(state));
            var local = new SegmentValueBacking(segment);
            var me = Environment.CurrentManagedThreadId; // the local holder: this test's thread, until its first await

            // A local holder: a remote acquire and a remote locked read wait for it, a raw read does not.
            Assert.True(local.Acquire(me, block: false, null));
            actor.Tell(new ValueLockAcquire(1, "remote/1", Wait: false));
            ExpectMsg<ValueLockBusy>();
            var reader = CreateTestProbe();
            actor.Tell(new ValueRead(2, 0, 4, "remote/2"), reader.Ref);
            actor.Tell(new ValueRead(3, 0, 4, null), reader.Ref);
            Assert.Equal(5, BitConverter.ToInt32(reader.ExpectMsg<ValueData>(d => d.RequestId == 3).Bytes));
            actor.Tell(new ValueLockAcquire(4, "remote/1", Wait: true));
            local.Set(0, 6, locked: true); // re-entered by the holder
            ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            local.Release(me);
            Assert.Equal(6, BitConverter.ToInt32(reader.ExpectMsg<ValueData>(d => d.RequestId == 2, Patience).Bytes));
            ExpectMsg<ValueLockGranted>(g => g.RequestId == 4 && !g.Abandoned, Patience);

            // A remote holder: local threads wait for it.
            Assert.False(local.Acquire(me, block: false, null));
            var waiting = Task.Factory.StartNew(() => local.Get<int>(0, locked: true), TaskCreationOptions.LongRunning);
            await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(TimeSpan.FromMilliseconds(100)));
            actor.Tell(new ValueWrite(5, 0, BitConverter.GetBytes(7), "remote/1"));
            ExpectMsg<ValueDone>();
            actor.Tell(new ValueLockRelease(6, "remote/1"));
            ExpectMsg<ValueDone>();
            Assert.Equal(7, await waiting.WaitAsync(Patience));
            actor.Tell(new SegmentValueState.CreatorEnded(0));
        }
        finally
        {
            segment.Unlink();
        }
    }

    [Fact]
    public void When_the_creator_ends_the_lock_held_for_remote_holders_is_freed_for_the_processes_mapping_the_segment()
    {
        var segment = SharedSegment.Create(BitConverter.GetBytes(1));
        try
        {
            var actor = Sys.ActorOf(SharedObjectActor.Props(new SegmentValueState(segment, withLock: true)));
            var local = new SegmentValueBacking(segment);
            var me = Environment.CurrentManagedThreadId;
            actor.Tell(new ValueLockAcquire(1, "remote/1", Wait: true));
            ExpectMsg<ValueLockGranted>();
            Assert.False(local.Acquire(me, block: false, null));

            actor.Tell(new SegmentValueState.CreatorEnded(0));
            actor.Tell(new ValueRead(2, 0, 4, "remote/1"));
            Assert.Contains("has ended", ExpectMsg<ValueRefused>().Reason);
            Assert.True(local.Acquire(me, block: false, null));
            local.Release(me);
        }
        finally
        {
            segment.Unlink();
        }
    }
}
