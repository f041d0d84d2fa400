namespace Multiprocessing;

/// <summary>Python's <c>queue.Empty</c>: a non-blocking or timed get found nothing.</summary>
public sealed class QueueEmptyException() : Exception("The queue is empty.");

/// <summary>Python's <c>queue.Full</c>: a non-blocking or timed put found no room.</summary>
public sealed class QueueFullException() : Exception("The queue is full.");
