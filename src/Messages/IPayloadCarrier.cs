namespace Multiprocessing.Messages;

/// <summary>
/// A message that carries user data, as whole byte arrays: above half a remoting frame it goes between
/// nodes in chunks (<see cref="Transfers.TransferStart"/>) or over a direct link, instead of as one message
/// that Akka would drop; either way its arrays travel beside the rest of it serialized, written from the
/// sender's arrays and read into the receiver's, not copied whole to serialize or rebuild it (the answer to a
/// call over a direct link still is).
/// </summary>
public interface IPayloadCarrier : IMpMessage
{
    /// <summary>The bytes of user data it holds (computed, never serialized).</summary>
    long PayloadBytes { get; }

    /// <summary>The byte arrays of user data, in a fixed order (computed, never serialized).</summary>
    IReadOnlyList<byte[]> Payload { get; }

    /// <summary>This message carrying <paramref name="payload"/> instead: as many arrays, in the same order.</summary>
    IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload);
}

/// <summary>Helpers for <see cref="IPayloadCarrier"/>s.</summary>
public static class Payloads
{
    public static long Size(IReadOnlyList<byte[]> items)
    {
        long total = 0;
        foreach (var item in items) total += item.LongLength;
        return total;
    }

    /// <summary>The arrays of <paramref name="messages"/>, one message's after another's (those that carry none add none).</summary>
    public static IReadOnlyList<byte[]> Of(IEnumerable<object> messages) =>
        [.. messages.SelectMany(m => m is IPayloadCarrier carrier ? carrier.Payload : [])];

    /// <summary><paramref name="messages"/>, each carrying its share of <paramref name="payload"/> in turn (as <see cref="Of"/> laid them out).</summary>
    public static IReadOnlyList<T> With<T>(IReadOnlyList<T> messages, IReadOnlyList<byte[]> payload)
    {
        var rebuilt = new List<T>(messages.Count);
        var at = 0;
        foreach (var message in messages)
        {
            if (message is not IPayloadCarrier carrier)
            {
                rebuilt.Add(message);
                continue;
            }
            var count = carrier.Payload.Count;
            rebuilt.Add((T)carrier.WithPayload(payload.Skip(at).Take(count).ToList()));
            at += count;
        }
        return rebuilt;
    }
}
