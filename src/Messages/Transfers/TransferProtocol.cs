using Akka.Actor;

namespace Multiprocessing.Messages.Transfers;

// A message too big for one remoting frame (a 200 MiB queue item, pipe message, task argument or
// Manager value) goes from the sending node's transfer actor (/system/mp-transfers) over the direct
// link to the recipient's node when one is up; else to that node's transfer actor in chunks, a few
// in flight at a time, and is delivered whole to its recipient on the far node, from its sender.
// The receiver acknowledges the chunks: a sender that gets ahead of a slow receiver waits.

/// <summary>
/// Sender's transfer actor -> receiver's: a message of <paramref name="Length"/> bytes for <paramref name="Recipient"/>
/// (or, where the sender knows it only by path, the actors at <paramref name="RecipientPath"/> on the receiving node) follows:
/// the message serialized without its detached payload (<see cref="IPayloadCarrier"/>), then the arrays of that payload,
/// of <paramref name="Detached"/> lengths (none when it has none).
/// </summary>
public sealed record TransferStart(
    long TransferId, long Length, int SerializerId, string Manifest, IActorRef Recipient, string? RecipientPath, IActorRef Sender,
    int[] Detached) : IMpMessage;

/// <summary>The bytes of transfer <paramref name="TransferId"/> from <paramref name="Offset"/>, in order.</summary>
public sealed record TransferChunk(long TransferId, long Offset, byte[] Bytes) : IMpMessage;

/// <summary>Receiver -> sender: <paramref name="Received"/> bytes of the transfer are in.</summary>
public sealed record TransferProgress(long TransferId, long Received) : IMpMessage;

/// <summary>Receiver -> sender: the transfer was dropped (too big, out of order, or it stalled); it is not delivered.</summary>
public sealed record TransferRefused(long TransferId, string Reason) : IMpMessage;
