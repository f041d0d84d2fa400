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
        var replyTo = mailbox.Get();
        replyTo.Put($"hello from {Mp.CurrentProcess().Name}");
    }

    public static void PutThenFill(MpQueue<int> bounded, int count)
    {
        for (var i = 0; i < count; i++) bounded.Put(i);
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
}
