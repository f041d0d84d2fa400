namespace Multiprocessing.Tests.Queues;

/// <summary>Process targets for the queue tests.</summary>
public static class QueueTargets
{
    public static void Produce(string producer, int count, MpQueue<string> queue)
    {
        for (var i = 0; i < count; i++) queue.Put($"{producer}:{i}");
    }

    /// <summary>Takes items until the "stop" sentinel and reports each on <paramref name="results"/>.</summary>
    public static void Consume(MpQueue<string> queue, MpQueue<string> results)
    {
        var me = Mp.CurrentProcess().Name;
        while (queue.Get() is var item && item != "stop") results.Put($"{me}|{item}");
    }

    /// <summary>Receives a queue through another queue and answers on it.</summary>
    public static void AnswerOnTheQueueReceived(MpQueue<MpQueue<string>> mailbox)
    {
        var replyTo = mailbox.Get()!;
        replyTo.Put($"hello from {Mp.CurrentProcess().Name}");
    }

    /// <summary>Takes an item through this process's own copy of the handle, disposes it, and tries to put through it.</summary>
    public static async Task TakeThenDisposeThenPut(MpQueue<int> queue, MpQueue<string> results)
    {
        await using (queue) results.Put($"got {await queue.GetAsync()}");
        try
        {
            queue.Put(2);
            results.Put("put accepted");
        }
        catch (InvalidOperationException)
        {
            results.Put("put refused");
        }
    }

    /// <summary>Puts <paramref name="item"/> (waiting for room) and then says so.</summary>
    public static void PutThenSay(MpQueue<int> queue, int item, MpEvent put)
    {
        queue.Put(item);
        put.Set();
    }

    public static void WorkThroughJoinable(MpJoinableQueue<int> tasks, int count)
    {
        for (var i = 0; i < count; i++)
        {
            tasks.Get();
            tasks.TaskDone();
        }
    }

    public static void SimplePut(MpSimpleQueue<string> queue, string value) => queue.Put(value);

    /// <summary>Python's sentinel loop: takes items until -1, reporting each (and marking it done on a JoinableQueue).</summary>
    public static void ConsumeUntilSentinel(MpQueue<int> queue, MpQueue<int> results)
    {
        int item;
        while ((item = queue.Get()) != -1)
        {
            results.Put(item);
            (queue as MpJoinableQueue<int>)?.TaskDone();
        }
        (queue as MpJoinableQueue<int>)?.TaskDone();
    }

    /// <summary>Takes items until -1 with blocking gets (no timeout), then reports how many it took and their sum as "count sum".</summary>
    public static void CountUntilSentinel(MpQueue<int> queue, MpQueue<string> report)
    {
        long count = 0, sum = 0;
        int item;
        while ((item = queue.Get()) != -1)
        {
            count++;
            sum += item;
        }
        report.Put($"{count} {sum}");
    }

    /// <summary>Takes items until -1, appending each to <paramref name="file"/> (flushed) before it takes the next.</summary>
    public static void RecordUntilSentinel(MpQueue<int> queue, string file)
    {
        using var record = new StreamWriter(file, append: true);
        int item;
        while ((item = queue.Get()) != -1)
        {
            record.WriteLine(item);
            record.Flush();
        }
    }

    public static void TakeOneAndReport(MpQueue<int> queue, MpQueue<int> results) => results.Put(queue.Get(block: true, TimeSpan.FromMinutes(1)));

    /// <summary>Receives one item, says so, and never marks it done (it waits to be killed).</summary>
    public static void ReceiveAndHang(MpJoinableQueue<int> queue, MpQueue<int> received)
    {
        received.Put(queue.Get());
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Receives one item (borrowing the others with it), says so, and waits to be killed.</summary>
    public static void ReceiveOneAndHang(MpQueue<int> queue, MpQueue<int> received)
    {
        received.Put(queue.Get());
        Thread.Sleep(Timeout.Infinite);
    }

    public static void ReceiveReportAndFinish(MpJoinableQueue<int> queue, MpQueue<int> results)
    {
        results.Put(queue.Get(block: true, TimeSpan.FromMinutes(1)));
        queue.TaskDone();
    }

    /// <summary>Puts 0, 1, 2... on <c>queues[i % n]</c> until told to stop, then -1 on the queue of the next number, and reports how many it put.</summary>
    public static void ProduceRoundRobin(MpQueue<int>[] queues, MpQueue<int> stop, MpQueue<int> report)
    {
        var next = 0;
        while (true)
        {
            for (var i = 0; i < 100; i++, next++) queues[next % queues.Length].Put(next);
            try
            {
                stop.GetNowait();
                break;
            }
            catch (MpQueueEmptyException)
            {
            }
        }
        queues[next % queues.Length].Put(-1);
        report.Put(next);
    }

    /// <summary>Takes number i from <c>queues[i % n]</c> until -1; reports how many it took, or the first wrong number.</summary>
    public static void ConsumeRoundRobin(MpQueue<int>[] queues, MpQueue<string> report)
    {
        for (var expected = 0; ; expected++)
        {
            var item = queues[expected % queues.Length].Get(block: true, TimeSpan.FromMinutes(1));
            if (item == -1)
            {
                report.Put($"took {expected}");
                return;
            }
            if (item != expected)
            {
                report.Put($"expected {expected} from queue {expected % queues.Length}, got {item}");
                return;
            }
            if (expected % 1000 == 0) report.Put($"at {expected}");
        }
    }

    /// <summary>Gets <paramref name="count"/> byte arrays and reports how many bytes came.</summary>
    public static void CountBytes(MpQueue<byte[]> queue, int count, MpQueue<long> total)
    {
        long bytes = 0;
        for (var i = 0; i < count; i++) bytes += queue.Get()!.Length;
        total.Put(bytes);
    }
}
