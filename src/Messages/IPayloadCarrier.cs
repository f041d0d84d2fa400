namespace Multiprocessing.Messages;

/// <summary>
/// A message that carries user data: above half a remoting frame it goes between nodes in chunks
/// (<see cref="Transfers.TransferStart"/>) instead of as one message that Akka would drop.
/// </summary>
public interface IPayloadCarrier : IMpMessage
{
    /// <summary>The bytes of user data it holds (computed, never serialized).</summary>
    long PayloadBytes { get; }
}

/// <summary>
/// A carrier whose user data are whole byte arrays, which a direct link writes and reads as they are,
/// beside the rest of the message serialized: no copy of a large payload to serialize it, none to read it.
/// </summary>
public interface IDetachablePayload : IPayloadCarrier
{
    /// <summary>The byte arrays of user data, in a fixed order.</summary>
    IReadOnlyList<byte[]> Payload { get; }

    /// <summary>This message carrying <paramref name="payload"/> instead (as many arrays, in the same order).</summary>
    IDetachablePayload WithPayload(IReadOnlyList<byte[]> payload);
}

/// <summary>Sizes for <see cref="IPayloadCarrier.PayloadBytes"/>.</summary>
public static class Payloads
{
    public static long Size(IReadOnlyList<byte[]> items)
    {
        long total = 0;
        foreach (var item in items) total += item.LongLength;
        return total;
    }
}
