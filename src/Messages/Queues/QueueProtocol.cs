using Akka.Actor;

namespace Multiprocessing.Messages.Queues;

// A queue is an actor holding serialized items; handles in any process talk to it. Every
// request carries a RequestId and is answered exactly once, so a caller that gives up (timeout,
// cancellation) sends CancelRequest and then waits for the one answer that settles it: either
// RequestCancelled, or the reply that was already on its way. Nothing is swallowed.
//
// Items are LENT, not given: a get hands a batch to one handle of one process (a lease), and
// the items leave the queue for good only once that process's code has received them from Get.
// Each item keeps the sequence number it got when it was put; the handle says which one its
// code received last (QueueBorrower.Consumed) on every request, on a short timer (QueueAck), and
// in a shared-memory ledger the queue reads if the process dies. What a lease still holds goes
// back to the front of the queue, in sequence order, when its process ends, dies or gives it back.

/// <summary>
/// One handle of one process that takes items: <paramref name="Fetcher"/> is the handle's local side
/// (unique on its node), <paramref name="Token"/> the process's token (it lives exactly as long as the
/// process). <paramref name="Consumed"/> is the sequence number of the last item the process's code
/// received through this handle (-1: none yet); <paramref name="Ledger"/> is where the process also
/// writes that number in shared memory, for the queue to read should the process die.
/// </summary>
public sealed record QueueBorrower(IActorRef Token, long Fetcher, long Consumed, LedgerSlot? Ledger);

/// <summary>A slot of a process's consumption ledger: file <paramref name="Path"/> on the host identified by <paramref name="Host"/>.</summary>
public sealed record LedgerSlot(string Host, string Path, int Index);

/// <summary>Append <paramref name="Items"/> (in order). Bounded queue: with <paramref name="WaitForRoom"/> the request waits for room, else it is answered QueueFull.</summary>
public sealed record QueuePut(long RequestId, IReadOnlyList<byte[]> Items, bool WaitForRoom) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Payloads.Size(Items);

    public IReadOnlyList<byte[]> Payload => Items;

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Items = payload };
}

/// <summary>
/// Lend up to <paramref name="Max"/> items, and no more than <paramref name="MaxBytes"/> of them (at least one item,
/// so that the reply fits a frame), to <paramref name="Borrower"/>; with <paramref name="Wait"/> the request
/// waits for one, else it is answered QueueEmpty. A handle has one get in flight at a time and asks again
/// only once it has handed out everything it was lent: a new get gives back whatever its last lease still holds.
/// </summary>
public sealed record QueueGet(long RequestId, int Max, bool Wait, QueueBorrower Borrower, long MaxBytes = long.MaxValue) : ICorrelated;

/// <summary>Items lent to the get <paramref name="RequestId"/>, with their sequence numbers.</summary>
public sealed record QueueItems(long RequestId, IReadOnlyList<byte[]> Items, IReadOnlyList<long> Seqs) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Payloads.Size(Items);

    public IReadOnlyList<byte[]> Payload => Items;

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Items = payload };
}

/// <summary>What the borrower's code has received so far (one-way: it carries no item, losing it loses nothing).</summary>
public sealed record QueueAck(QueueBorrower Borrower) : IMpMessage;

/// <summary>
/// The borrower gives back what its lease holds beyond what it received (it closed, its process ends, or
/// the queue recalled it): answered QueueDone. <paramref name="LeaseId"/>: only the lease made by that get
/// (a recall's answer), or any (-1). <paramref name="ProcessEnding"/>: its process is ending, so what it received and
/// never marked done goes back too (a JoinableQueue with redeliver-unfinished).
/// </summary>
public sealed record QueueReturn(long RequestId, QueueBorrower Borrower, long LeaseId, bool ProcessEnding) : ICorrelated;

/// <summary>Queue to a borrower's node: a consumer waits while your lease <paramref name="LeaseId"/> holds items; give back what you have not handed out.</summary>
public sealed record QueueRecall(long Fetcher, long LeaseId) : IMpMessage;

/// <summary>JoinableQueue: <paramref name="Count"/> items are processed (credited to <paramref name="Borrower"/>'s process).</summary>
public sealed record QueueTaskDone(long RequestId, int Count, QueueBorrower? Borrower) : ICorrelated;

/// <summary>JoinableQueue: answered QueueDone once every item put has been marked done.</summary>
public sealed record QueueJoin(long RequestId) : ICorrelated;

/// <summary>How many items wait (in the queue or lent and not yet received), and how many are not yet done.</summary>
public sealed record QueueStatus(long RequestId, QueueBorrower? Borrower) : ICorrelated;

public sealed record QueueDone(long RequestId) : ICorrelated;
public sealed record QueueEmpty(long RequestId) : ICorrelated;
public sealed record QueueFull(long RequestId) : ICorrelated;
public sealed record QueueRefused(long RequestId, string Reason) : ICorrelated;
/// <summary>
/// <paramref name="Count"/>: items queued or lent and not yet received; <paramref name="Unfinished"/>: not yet marked done;
/// <paramref name="WaitingConsumers"/>: gets parked; <paramref name="WaitingProducers"/>: puts parked for room.
/// </summary>
public sealed record QueueStatusReply(long RequestId, int Count, int Unfinished, int WaitingConsumers, int WaitingProducers) : ICorrelated;
