using Akka.Actor;
using Akka.TestKit;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Queues;

namespace Multiprocessing.Tests.Queues;

/// <summary>The queue actor, driven by probes standing in for the handles and processes of producers and consumers.</summary>
public sealed class QueueActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static byte[] Item(byte value) => [value];

    private static byte[] Values(QueueItems items) => [.. items.Items.Select(i => i[0])];

    /// <summary>A consumer process (its token, a probe that can be stopped) with one handle.</summary>
    private sealed class Consumer(TestProbe process, long fetcher = 1)
    {
        public TestProbe Process { get; } = process;
        public long Consumed { get; set; } = -1;
        public LedgerSlot? Ledger { get; init; }
        public QueueBorrower Borrower => new(Process.Ref, fetcher, Consumed, Ledger);
    }

    private Consumer NewConsumer(long fetcher = 1) => new(CreateTestProbe(), fetcher);

    private IActorRef Queue(int maxSize = 0, bool redeliverUnfinished = false) => Sys.ActorOf(QueueActor.Props(maxSize, redeliverUnfinished));

    private void Put(IActorRef queue, long id, params byte[] values)
    {
        queue.Tell(new QueuePut(id, [.. values.Select(Item)], true));
        ExpectMsg<QueueDone>(d => d.RequestId == id);
    }

    private int Size(IActorRef queue, Consumer? asking = null)
    {
        queue.Tell(new QueueStatus(99, asking?.Borrower));
        return ExpectMsg<QueueStatusReply>().Count;
    }

    private void Kill(Consumer consumer)
    {
        Watch(consumer.Process.Ref);
        Sys.Stop(consumer.Process.Ref);
        ExpectTerminated(consumer.Process.Ref);
    }

    [Fact]
    public void Items_come_out_in_the_order_they_went_in()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2);
        Put(queue, 2, 3);

        queue.Tell(new QueueGet(3, 10, true, NewConsumer().Borrower));
        var items = ExpectMsg<QueueItems>();
        Assert.Equal([1, 2, 3], Values(items));
        Assert.Equal([0L, 1L, 2L], items.Seqs);
    }

    [Fact]
    public void A_get_takes_no_more_bytes_than_it_asks_for_but_always_one_item()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2, 3, 4);

        queue.Tell(new QueueGet(2, 10, true, NewConsumer().Borrower, MaxBytes: 2));
        Assert.Equal([1, 2], Values(ExpectMsg<QueueItems>()));
        queue.Tell(new QueueGet(3, 10, true, NewConsumer(fetcher: 2).Borrower, MaxBytes: 0));
        Assert.Equal([3], Values(ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void A_waiting_consumer_gets_the_next_item_and_an_empty_non_blocking_get_is_answered_at_once()
    {
        var queue = Queue();
        queue.Tell(new QueueGet(1, 1, Wait: false, NewConsumer().Borrower));
        ExpectMsg<QueueEmpty>(e => e.RequestId == 1);

        var consumer = CreateTestProbe();
        queue.Tell(new QueueGet(2, 1, Wait: true, NewConsumer().Borrower), consumer.Ref);
        consumer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Put(queue, 3, 7);
        Assert.Equal([7], Values(consumer.ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void Waiting_consumers_share_a_batch_fairly()
    {
        var queue = Queue();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        queue.Tell(new QueueGet(1, 100, true, NewConsumer().Borrower), first.Ref);
        queue.Tell(new QueueGet(2, 100, true, NewConsumer().Borrower), second.Ref);
        queue.Tell(new QueuePut(3, [.. Enumerable.Range(0, 10).Select(i => Item((byte)i))], true));

        var a = first.ExpectMsg<QueueItems>();
        var b = second.ExpectMsg<QueueItems>();
        Assert.InRange(a.Items.Count, 1, 9);
        Assert.True(b.Items.Count >= 1);
    }

    [Fact]
    public void A_cancelled_get_is_answered_cancelled_and_takes_nothing()
    {
        var queue = Queue();
        queue.Tell(new QueueGet(1, 1, true, NewConsumer().Borrower));
        queue.Tell(new CancelRequest(1));
        ExpectMsg<RequestCancelled>(c => c.RequestId == 1);

        Put(queue, 2, 9);
        Assert.Equal(1, Size(queue));
    }

    [Fact]
    public void A_cancel_that_comes_after_the_answer_is_ignored()
    {
        var queue = Queue();
        Put(queue, 1, 4);
        queue.Tell(new QueueGet(2, 1, true, NewConsumer().Borrower));
        ExpectMsg<QueueItems>();
        queue.Tell(new CancelRequest(2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_bounded_queue_makes_producers_wait_until_a_consumer_receives_an_item_or_refuses_them()
    {
        var queue = Queue(maxSize: 1);
        Put(queue, 1, 1);
        queue.Tell(new QueuePut(2, [Item(2)], WaitForRoom: false));
        ExpectMsg<QueueFull>();

        var producer = CreateTestProbe();
        queue.Tell(new QueuePut(3, [Item(3)], WaitForRoom: true), producer.Ref);
        producer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        var consumer = NewConsumer();
        queue.Tell(new QueueGet(4, 1, true, consumer.Borrower));
        var lent = ExpectMsg<QueueItems>();
        Assert.Equal([1], Values(lent));
        producer.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // lent is not received: the room is still taken

        consumer.Consumed = lent.Seqs[0];
        queue.Tell(new QueueAck(consumer.Borrower));
        producer.ExpectMsg<QueueDone>(d => d.RequestId == 3);
    }

    [Fact]
    public void Items_lent_to_a_process_that_dies_go_back_to_the_front_in_their_order_except_those_it_said_it_received()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2, 3, 4, 5);
        var doomed = NewConsumer();
        queue.Tell(new QueueGet(2, 3, true, doomed.Borrower));
        var lent = ExpectMsg<QueueItems>();
        Assert.Equal([1, 2, 3], Values(lent));
        doomed.Consumed = lent.Seqs[0];
        queue.Tell(new QueueAck(doomed.Borrower));
        Assert.Equal(4, Size(queue)); // 2 and 3 are lent and not received: still the queue's

        Kill(doomed);

        AwaitAssert(() =>
        {
            queue.Tell(new QueueGet(3, 10, false, NewConsumer(fetcher: 2).Borrower));
            Assert.Equal([2, 3, 4, 5], Values(ExpectMsg<QueueItems>()));
        });
    }

    [Fact]
    public void A_dead_process_s_ledger_says_exactly_what_its_code_received()
    {
        using var ledger = ConsumptionLedger.TryCreate();
        Assert.NotNull(ledger);
        var queue = Queue();
        Put(queue, 1, 1, 2, 3, 4);
        var doomed = new Consumer(CreateTestProbe()) { Ledger = ledger!.Allocate() };
        queue.Tell(new QueueGet(2, 4, true, doomed.Borrower));
        var lent = ExpectMsg<QueueItems>();
        ledger.Record(doomed.Ledger!.Index, lent.Seqs[1]); // its code received 1 and 2, and said nothing before it died

        Kill(doomed);

        AwaitAssert(() =>
        {
            queue.Tell(new QueueGet(3, 10, false, NewConsumer(fetcher: 2).Borrower));
            Assert.Equal([3, 4], Values(ExpectMsg<QueueItems>()));
        });
    }

    [Fact]
    public void A_ledger_stays_readable_for_every_lease_after_processes_died_having_received_all_they_were_lent()
    {
        // A process killed after its code received its whole lease ended that lease twice (once acknowledged,
        // once given back) and so released its ledger's mapping twice: the queue later unmapped a ledger a live
        // lease still needed, and the death of that lease's process gave back what its code had received.
        var ledgers = Enumerable.Range(0, 20).Select(_ => ConsumptionLedger.TryCreate()!).ToList();
        try
        {
            var queue = Queue();
            Put(queue, 1, [.. Enumerable.Range(1, 40).Select(i => (byte)i)]);
            var survivor = new Consumer(CreateTestProbe(), fetcher: 99) { Ledger = ledgers[0].Allocate() };
            var id = 10L;
            foreach (var ledger in ledgers)
            {
                // Each process borrows one item, its code receives it (says so only in its ledger), and it dies.
                var doomed = new Consumer(CreateTestProbe()) { Ledger = ledger.Allocate() };
                queue.Tell(new QueueGet(id++, 1, false, doomed.Borrower));
                ledger.Record(doomed.Ledger!.Index, ExpectMsg<QueueItems>().Seqs[0]);
                Kill(doomed);
                if (ledger == ledgers[0])
                {
                    // A live handle of the first process borrows two items while the others come and go.
                    queue.Tell(new QueueGet(id++, 2, false, survivor.Borrower));
                    ledgers[0].Record(survivor.Ledger!.Index, ExpectMsg<QueueItems>().Seqs[0]);
                }
            }
            Kill(survivor); // its code received the first of its two items

            // The dead received 1 and 4..22; the survivor received 2 and not 3.
            AwaitAssert(() =>
            {
                queue.Tell(new QueueGet(id++, 2, false, NewConsumer(fetcher: 7).Borrower));
                Assert.Equal([3, 23], Values(ExpectMsg<QueueItems>()));
            });
        }
        finally
        {
            ledgers.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void A_new_get_gives_back_what_the_last_lease_of_the_same_handle_did_not_hand_out()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2, 3);
        var consumer = NewConsumer();
        queue.Tell(new QueueGet(2, 3, true, consumer.Borrower));
        var first = ExpectMsg<QueueItems>(); // say its reply was lost after the caller gave up
        consumer.Consumed = first.Seqs[0];

        queue.Tell(new QueueGet(3, 10, true, consumer.Borrower));
        Assert.Equal([2, 3], Values(ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void A_returned_lease_goes_back_before_later_items_and_the_return_is_confirmed()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2, 3);
        var consumer = NewConsumer();
        queue.Tell(new QueueGet(2, 2, true, consumer.Borrower));
        var lent = ExpectMsg<QueueItems>();
        consumer.Consumed = lent.Seqs[0];

        queue.Tell(new QueueReturn(3, consumer.Borrower, LeaseId: -1, ProcessEnding: true));
        ExpectMsg<QueueDone>(d => d.RequestId == 3);

        queue.Tell(new QueueGet(4, 10, true, NewConsumer(fetcher: 2).Borrower));
        Assert.Equal([2, 3], Values(ExpectMsg<QueueItems>()));
    }

    [Fact]
    public void A_consumer_that_waits_while_another_holds_unreceived_items_makes_the_queue_recall_them()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2);
        var holder = NewConsumer();
        var holderNode = CreateTestProbe();
        queue.Tell(new QueueGet(2, 2, true, holder.Borrower), holderNode.Ref);
        var lent = holderNode.ExpectMsg<QueueItems>();
        holder.Consumed = lent.Seqs[0]; // its code has the first; the second waits in its handle

        var waiter = CreateTestProbe();
        queue.Tell(new QueueGet(3, 1, true, NewConsumer(fetcher: 2).Borrower), waiter.Ref);
        var recall = holderNode.ExpectMsg<QueueRecall>();
        Assert.Equal(2, recall.LeaseId);
        queue.Tell(new QueueReturn(4, holder.Borrower, recall.LeaseId, ProcessEnding: false), holderNode.Ref);

        Assert.Equal([2], Values(waiter.ExpectMsg<QueueItems>()));
        holderNode.ExpectMsg<QueueDone>(d => d.RequestId == 4);
    }

    [Fact]
    public void An_answer_to_an_old_recall_gives_back_nothing_of_a_newer_lease()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2, 3);
        var consumer = NewConsumer();
        queue.Tell(new QueueGet(2, 1, true, consumer.Borrower));
        consumer.Consumed = ExpectMsg<QueueItems>().Seqs[0];
        queue.Tell(new QueueGet(3, 2, true, consumer.Borrower));
        Assert.Equal([2, 3], Values(ExpectMsg<QueueItems>()));

        queue.Tell(new QueueReturn(4, consumer.Borrower, LeaseId: 2, ProcessEnding: false));
        ExpectMsg<QueueDone>();
        Assert.Equal(2, Size(queue)); // still lent to the handle, not back in the queue twice
        queue.Tell(new QueueGet(5, 10, false, NewConsumer(fetcher: 2).Borrower));
        ExpectMsg<QueueEmpty>();
    }

    [Fact]
    public void Redeliver_unfinished_gives_back_what_a_dead_process_received_and_did_not_mark_done()
    {
        var queue = Queue(redeliverUnfinished: true);
        Put(queue, 1, 1, 2, 3);
        var doomed = NewConsumer();
        queue.Tell(new QueueGet(2, 3, true, doomed.Borrower));
        var lent = ExpectMsg<QueueItems>();
        doomed.Consumed = lent.Seqs[1]; // received 1 and 2, finished 1
        queue.Tell(new QueueTaskDone(3, 1, doomed.Borrower));
        ExpectMsg<QueueDone>();

        Kill(doomed);

        AwaitAssert(() =>
        {
            queue.Tell(new QueueGet(4, 10, false, NewConsumer(fetcher: 2).Borrower));
            Assert.Equal([2, 3], Values(ExpectMsg<QueueItems>()));
        });
        var joiner = CreateTestProbe();
        queue.Tell(new QueueJoin(5), joiner.Ref);
        joiner.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // 2 and 3 are not done
    }

    [Fact]
    public void Join_waits_until_every_item_is_done_and_one_task_done_too_many_is_refused()
    {
        var queue = Queue();
        Put(queue, 1, 1, 2);
        var joiner = CreateTestProbe();
        queue.Tell(new QueueJoin(2), joiner.Ref);

        queue.Tell(new QueueTaskDone(3, 1, null));
        ExpectMsg<QueueDone>();
        joiner.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        queue.Tell(new QueueTaskDone(4, 1, null));
        ExpectMsg<QueueDone>();
        joiner.ExpectMsg<QueueDone>(d => d.RequestId == 2);

        queue.Tell(new QueueTaskDone(5, 1, null));
        Assert.Contains("too many", ExpectMsg<QueueRefused>().Reason);
    }

    [Fact]
    public void A_consumer_that_dies_while_waiting_is_never_handed_an_item()
    {
        var queue = Queue();
        var doomed = NewConsumer();
        queue.Tell(new QueueGet(1, 1, true, doomed.Borrower));
        // The queue answers in order: once it answers this, the get is parked and its process watched.
        Assert.Equal(0, Size(queue));
        Kill(doomed);

        Put(queue, 2, 5);
        AwaitAssert(() =>
        {
            queue.Tell(new QueueGet(3, 1, false, NewConsumer(fetcher: 2).Borrower));
            Assert.Equal([5], Values(ExpectMsg<QueueItems>()));
        });
    }
}
