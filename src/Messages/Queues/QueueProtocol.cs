namespace Multiprocessing.Messages.Queues;

// A queue is an actor holding serialized items; handles in any process talk to it. Every
// request carries a RequestId and is answered exactly once, so a caller that gives up (timeout,
// cancellation) sends CancelRequest and then waits for the one answer that settles its request:
// either RequestCancelled, or the reply that was already on its way. Nothing is swallowed.

/// <summary>Append <paramref name="Items"/> (in order). Bounded queue: with <paramref name="WaitForRoom"/> the request waits for room, else it is answered QueueFull.</summary>
public sealed record QueuePut(long RequestId, IReadOnlyList<byte[]> Items, bool WaitForRoom) : ICorrelated;

/// <summary>Up to <paramref name="Max"/> items; with <paramref name="Wait"/> the request waits for one, else it is answered QueueEmpty.</summary>
public sealed record QueueGet(long RequestId, int Max, bool Wait) : ICorrelated;

/// <summary>Items a consumer fetched ahead and did not use: back to the front of the queue, in order.</summary>
public sealed record QueueUnget(IReadOnlyList<byte[]> Items) : IMpMessage;

/// <summary>JoinableQueue: <paramref name="Count"/> items are processed.</summary>
public sealed record QueueTaskDone(long RequestId, int Count) : ICorrelated;

/// <summary>JoinableQueue: answered QueueDone once every item put has been marked done.</summary>
public sealed record QueueJoin(long RequestId) : ICorrelated;

/// <summary>How many items wait, and how many are not yet done.</summary>
public sealed record QueueStatus(long RequestId) : ICorrelated;

public sealed record QueueItems(long RequestId, IReadOnlyList<byte[]> Items) : ICorrelated;
public sealed record QueueDone(long RequestId) : ICorrelated;
public sealed record QueueEmpty(long RequestId) : ICorrelated;
public sealed record QueueFull(long RequestId) : ICorrelated;
public sealed record QueueRefused(long RequestId, string Reason) : ICorrelated;
public sealed record QueueStatusReply(long RequestId, int Count, int Unfinished) : ICorrelated;
