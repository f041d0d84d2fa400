using Akka.Actor;
using Akka.Serialization;
using Multiprocessing.Managers.Wire;
using Multiprocessing.Messages;

namespace Multiprocessing.Runtime;

/// <summary>
/// Turns user objects into bytes at the call site, with the cluster's own Hyperion settings
/// (unsafe types refused), so that a value that cannot travel fails where it was handed over,
/// naming its type, and one over multiprocessing.payloads.maximum-size fails there too. A Manager's
/// call messages take their compact form (<see cref="ManagerWire"/>), as over Akka.Remote.
/// </summary>
/// <param name="maximumPayloadSize">The largest payload that may travel (multiprocessing.payloads.maximum-size).</param>
/// <param name="batchBytes">The payload bytes one message carries whole (half a remoting frame): what a batch of items fills at most.</param>
internal sealed class PayloadSerializer(Serializer serializer, long maximumPayloadSize, long batchBytes)
{
    private readonly Serializer _serializer = serializer;
    private readonly ManagerWire _managerWire = new(serializer);

    // Room in a direct-link frame beside its payload: paths, lengths and the message's own fields.
    private const long FrameEnvelopeBytes = 64 * 1024;

    // Payloads up to this go inside the body (a copy of a few microseconds at most); larger ones travel beside it.
    private const long DetachAbove = 16 * 1024;

    /// <summary>The serializer the actor system uses for every object (Hyperion), with the node's limits.</summary>
    public static PayloadSerializer Of(ActorSystem system)
    {
        var limits = Transfers.PayloadTransfers.Get(system).Settings;
        return new(system.Serialization.FindSerializerForType(typeof(object)), limits.MaximumPayload, limits.InlineBytes);
    }

    public long MaximumPayloadSize => maximumPayloadSize;

    public long BatchBytes => batchBytes;

    /// <summary>The largest frame a direct link reads (after its handshake proved the peer): a message of the largest payload and its envelope.</summary>
    public long DirectFrameBytes => maximumPayloadSize + FrameEnvelopeBytes;

    /// <summary>Serializes <paramref name="value"/> and checks it reads back, so a value that cannot be rebuilt fails here.</summary>
    public byte[] SerializeChecked(object value, string what)
    {
        var bytes = Serialize(value, what);
        CheckRoundTrip(bytes, value, what);
        return bytes;
    }

    public byte[] Serialize(object value, string what)
    {
        byte[] bytes;
        try
        {
            bytes = value switch
            {
                byte[] array => RawBytes.Serialize(array),
                _ when ManagerWire.Handles(value) => _managerWire.Write(value),
                _ => _serializer.ToBinary(value),
            };
        }
        catch (Exception e)
        {
            throw new MpSerializationException($"Cannot serialize {what}: {Culprit(value, e)}", e);
        }
        if (bytes.LongLength > MaximumPayloadSize)
            throw new MpSerializationException(
                $"{what} of type {Describe(value)} is {bytes.LongLength:N0} bytes, over the maximum of {MaximumPayloadSize:N0} " +
                "(multiprocessing.payloads.maximum-size).");
        return bytes;
    }

    /// <summary>A user's item (of a queue, a pipe, a Manager object): null as no bytes (Python's None), anything else serialized.</summary>
    public byte[] SerializeItem<T>(T item, string what) => item is null ? [] : Serialize(item, what);

    /// <summary>What <see cref="SerializeItem"/> made: no bytes read back as null (a value type's default).</summary>
    public T? DeserializeItem<T>(byte[] bytes, string what) => bytes.Length == 0 ? default : (T)Deserialize(bytes, what);

    public object Deserialize(byte[] bytes, string what)
    {
        try
        {
            return RawBytes.TryDeserialize(bytes) ?? (ManagerWire.IsWire(bytes) ? _managerWire.Read(bytes) : _serializer.FromBinary(bytes, typeof(object)));
        }
        catch (Exception e)
        {
            throw new MpSerializationException($"Cannot deserialize {what}: {Innermost(e).Message}", e);
        }
    }

    /// <summary>
    /// Serializes <paramref name="message"/> without the arrays of its detached payload (<see cref="IPayloadCarrier"/>),
    /// which travel beside it as they are; <see cref="DeserializeAttaching"/> puts them back.
    /// </summary>
    public (byte[] Body, IReadOnlyList<byte[]> Detached) SerializeDetaching(object message, string what)
    {
        // A small payload is copied into the body: taking the message apart and putting it together again costs more.
        if (message is IPayloadCarrier { PayloadBytes: <= DetachAbove }) return (Serialize(message, what), []);
        var (skeleton, detached) = Detach(message);
        return (Serialize(skeleton, what), detached);
    }

    public object DeserializeAttaching(byte[] body, byte[][] detached, string what) => Attach(Deserialize(body, what), detached, what);

    /// <summary><paramref name="message"/> without the arrays of its detached payload (empty ones in their place), and those arrays.</summary>
    public static (object Skeleton, IReadOnlyList<byte[]> Detached) Detach(object message)
    {
        if (message is not IPayloadCarrier carrier) return (message, []);
        var detached = carrier.Payload;
        var placeholders = new byte[detached.Count][];
        Array.Fill(placeholders, []);
        return (carrier.WithPayload(placeholders), detached);
    }

    /// <summary>The message <see cref="Detach"/> took apart, whole again.</summary>
    public static object Attach(object skeleton, byte[][] detached, string what)
    {
        if (detached.Length == 0) return skeleton;
        if (skeleton is IPayloadCarrier carrier && carrier.Payload.Count == detached.Length) return carrier.WithPayload(detached);
        throw new MpSerializationException($"Cannot deserialize {what}: a {skeleton.GetType().Name} does not carry {detached.Length} detached arrays.");
    }

    /// <summary>Reads <paramref name="bytes"/> back, blaming the part of <paramref name="original"/> that does not survive the trip.</summary>
    private void CheckRoundTrip(byte[] bytes, object original, string what)
    {
        try
        {
            _serializer.FromBinary(bytes, typeof(object));
        }
        catch (Exception e)
        {
            throw new MpSerializationException($"Cannot send {what}: {Culprit(original, e)}", e);
        }
    }

    // The serializer's message rarely names the guilty value: look for the deepest field whose
    // value fails on its own, so the error reads "field _args[0] of type System.Diagnostics.Process".
    private string Culprit(object value, Exception failure)
    {
        var path = "";
        var current = value;
        for (var depth = 0; depth < 6; depth++)
        {
            var next = Members(current).FirstOrDefault(m => m.Value is not null && !RoundTrips(m.Value));
            if (next.Value is null) break;
            path = path.Length == 0 || next.Name.StartsWith('[') ? path + next.Name : path + "." + next.Name;
            current = next.Value;
        }
        var where = path.Length == 0 ? "" : $"field {path} ";
        return $"{where}of type {Describe(current)} cannot be serialized ({Innermost(failure).Message})";
    }

    private bool RoundTrips(object value)
    {
        try
        {
            _serializer.FromBinary(_serializer.ToBinary(value), typeof(object));
            return true;
        }
        catch
        {
            return false; // whatever it throws, the answer is that it does not serialize: Culprit looks deeper
        }
    }

    private static IEnumerable<(string Name, object? Value)> Members(object value)
    {
        if (value is Array array)
        {
            for (var i = 0; i < array.Length; i++) yield return ($"[{i}]", array.GetValue(i));
            yield break;
        }
        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
            foreach (var field in type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public |
                                                 System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
                if (!field.FieldType.IsPrimitive && !field.IsDefined(typeof(Hyperion.IgnoreAttribute), false)) yield return (field.Name, field.GetValue(value)); // as Hyperion reads it
    }

    private static string Describe(object value) => value.GetType().FullName ?? value.GetType().Name;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
