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
