using Akka.Actor;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Values;

namespace Multiprocessing.Tests.Sync;

/// <summary>
/// The actor that serves a same-host Lock to other hosts holds the segment's word for them: the word is the truth,
/// whatever path released the lock (a Lock may be released by anyone), and the actor never holds it twice.
/// </summary>
public sealed class SegmentLockStateSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const int LocalThread = 1;

    private static void WithLock(Action<SharedSegment, IActorRef> body, ActorSystem system)
    {
        var segment = SharedSegment.Create([]);
        try
        {
            body(segment, system.ActorOf(SharedObjectActor.Props(new SegmentLockState(segment, reentrant: false))));
        }
        finally
        {
            segment.Unlink();
        }
    }

    [Fact]
    public void A_remote_waiter_is_granted_only_once_the_word_is_free_even_after_a_same_host_release_of_its_predecessor()
    {
        WithLock((segment, actor) =>
        {
            var (holder, waiter) = (CreateTestProbe(), CreateTestProbe());
            actor.Tell(new LockAcquire(1, holder.Ref, 1, Wait: false, 1), holder.Ref);
            holder.ExpectMsg<LockGranted>();
            actor.Tell(new LockAcquire(2, waiter.Ref, 1, Wait: true, 1), waiter.Ref);
            // A process of the host releases the remote holder's Lock (anyone may), then takes it.
            segment.ReleaseAny();
            Assert.True(segment.Acquire(LocalThread, block: false, null, CancellationToken.None, reentrant: false));
            actor.Tell(new LockRelease(3, holder.Ref, 1, ForWait: false), holder.Ref);
            holder.ExpectMsg<LockReleased>();
            waiter.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // not while the word is the local holder's
            segment.ReleaseAny();
            waiter.ExpectMsg<LockGranted>(Patience);
            Assert.False(segment.Acquire(LocalThread, block: false, null, CancellationToken.None, reentrant: false));
        }, Sys);
    }

    [Fact]
    public void The_word_held_for_remote_holders_is_never_taken_twice()
    {
        // The actor's waiting thread may take the word for a waiter that has left, its message still on the way, when
        // the next remote acquire arrives: that acquire must not take the word a second time (one release would leave
        // it held by the creator's live pid for good).
        var segment = SharedSegment.Create([]);
        try
        {
            var hold = new SegmentRemoteHold(segment);
            Assert.True(segment.Acquire(LocalThread, block: false, null, CancellationToken.None, reentrant: false));
            hold.WaitFor(TestActor);
            segment.ReleaseAny();
            ExpectMsg<StorageLockTaken>(Patience);
            Assert.False(hold.TryTake());
            hold.Release();
            Assert.False(segment.IsLocked);
        }
        finally
        {
            segment.Unlink();
        }
    }
}
