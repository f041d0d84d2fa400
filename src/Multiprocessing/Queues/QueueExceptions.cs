namespace Multiprocessing;

/// <summary>Python's <c>queue.Empty</c>: a non-blocking or timed get found nothing.</summary>
public sealed class MpQueueEmptyException(string message) : MpException(message)
{
    public MpQueueEmptyException() : this("The queue is empty.") { }
}

/// <summary>Python's <c>queue.Full</c>: a non-blocking or timed put found no room.</summary>
public sealed class MpQueueFullException(string message) : MpException(message)
{
    public MpQueueFullException() : this("The queue is full.") { }
}
