using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Queues;

namespace Multiprocessing.Tests.Queues;

/// <summary>The queue actor, driven by probes standing in for the handles of producer and consumer processes.</summary>
public sealed class QueueActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static byte[] Item(byte value) => [value];

    private static byte[] Values(QueueItems items) => [.. items.Items.Select(i => i[0])];

    [Fact]
    public void Items_come_out_in_the_order_they_went_in()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        queue.Tell(new QueuePut(1, [Item(1), Item(2)], true));
        ExpectMsg<QueueDone>();
        queue.Tell(new QueuePut(2, [Item(3)], true));
        ExpectMsg<QueueDone>();

        queue.Tell(new QueueGet(3, 10, true));
        Assert.Equal([1, 2, 3], Values(ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void A_waiting_consumer_gets_the_next_item_and_an_empty_non_blocking_get_is_answered_at_once()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        queue.Tell(new QueueGet(1, 1, Wait: false));
        ExpectMsg<QueueEmpty>(e => e.RequestId == 1);

        var consumer = CreateTestProbe();
        queue.Tell(new QueueGet(2, 1, Wait: true), consumer.Ref);
        consumer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        queue.Tell(new QueuePut(3, [Item(7)], true));
        Assert.Equal([7], Values(consumer.ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void Waiting_consumers_share_a_batch_fairly()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        queue.Tell(new QueueGet(1, 100, true), first.Ref);
        queue.Tell(new QueueGet(2, 100, true), second.Ref);
        queue.Tell(new QueuePut(3, [.. Enumerable.Range(0, 10).Select(i => Item((byte)i))], true));

        var a = first.ExpectMsg<QueueItems>();
        var b = second.ExpectMsg<QueueItems>();
        Assert.InRange(a.Items.Count, 1, 9);
        Assert.True(b.Items.Count >= 1);
    }

    [Fact]
    public void A_cancelled_get_is_answered_cancelled_and_takes_nothing()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        queue.Tell(new QueueGet(1, 1, true));
        queue.Tell(new CancelRequest(1));
        ExpectMsg<RequestCancelled>(c => c.RequestId == 1);

        queue.Tell(new QueuePut(2, [Item(9)], true));
        ExpectMsg<QueueDone>();
        queue.Tell(new QueueStatus(3));
        Assert.Equal(1, ExpectMsg<QueueStatusReply>().Count);
    }

    [Fact]
    public void A_cancel_that_comes_after_the_answer_is_ignored()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        queue.Tell(new QueuePut(1, [Item(4)], true));
        ExpectMsg<QueueDone>();
        queue.Tell(new QueueGet(2, 1, true));
        ExpectMsg<QueueItems>();
        queue.Tell(new CancelRequest(2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_bounded_queue_makes_producers_wait_or_refuses_them()
    {
        var queue = Sys.ActorOf(QueueActor.Props(1));
        queue.Tell(new QueuePut(1, [Item(1)], true));
        ExpectMsg<QueueDone>();
        queue.Tell(new QueuePut(2, [Item(2)], WaitForRoom: false));
        ExpectMsg<QueueFull>();

        var producer = CreateTestProbe();
        queue.Tell(new QueuePut(3, [Item(3)], WaitForRoom: true), producer.Ref);
        producer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        queue.Tell(new QueueGet(4, 1, true));
        Assert.Equal([1], Values(ExpectMsg<QueueItems>()));
        producer.ExpectMsg<QueueDone>(d => d.RequestId == 3);
    }

    [Fact]
    public void Items_given_back_go_to_the_front_in_order()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        queue.Tell(new QueuePut(1, [Item(3)], true));
        ExpectMsg<QueueDone>();
        queue.Tell(new QueueUnget([Item(1), Item(2)]));
        queue.Tell(new QueueGet(2, 10, true));
        Assert.Equal([1, 2, 3], Values(ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void Join_waits_until_every_item_is_done_and_one_task_done_too_many_is_refused()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        queue.Tell(new QueuePut(1, [Item(1), Item(2)], true));
        ExpectMsg<QueueDone>();
        var joiner = CreateTestProbe();
        queue.Tell(new QueueJoin(2), joiner.Ref);

        queue.Tell(new QueueTaskDone(3, 1));
        ExpectMsg<QueueDone>();
        joiner.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        queue.Tell(new QueueTaskDone(4, 1));
        ExpectMsg<QueueDone>();
        joiner.ExpectMsg<QueueDone>(d => d.RequestId == 2);

        queue.Tell(new QueueTaskDone(5, 1));
        Assert.Contains("too many", ExpectMsg<QueueRefused>().Reason);
    }

    [Fact]
    public void A_consumer_that_dies_while_waiting_is_never_handed_an_item()
    {
        var queue = Sys.ActorOf(QueueActor.Props(0));
        var doomed = CreateTestProbe();
        queue.Tell(new QueueGet(1, 1, true), doomed.Ref);
        // The queue answers in order: once it answers this, the get is parked and its consumer watched.
        queue.Tell(new QueueStatus(9));
        Assert.Equal(0, ExpectMsg<QueueStatusReply>().Count);
        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref);

        queue.Tell(new QueuePut(2, [Item(5)], true));
        ExpectMsg<QueueDone>();
        AwaitAssert(() =>
        {
            queue.Tell(new QueueStatus(3));
            Assert.Equal(1, ExpectMsg<QueueStatusReply>().Count);
        });
    }
}
