using Akka.Actor;
using Akka.Serialization;

namespace Multiprocessing.Runtime;

/// <summary>
/// Turns user objects into bytes at the call site, with the cluster's own Hyperion settings
/// (unsafe types refused), so that a value that cannot travel fails where it was handed over,
/// naming its type, and an oversized one fails before Akka would drop its frame silently.
/// </summary>
internal sealed class PayloadSerializer(ActorSystem system, long maximumFrameSize)
{
    // Room for the envelope around a payload (recipient path, manifest, ids).
    private const int EnvelopeAllowance = 4 * 1024;

    private readonly Serializer _serializer = system.Serialization.FindSerializerForType(typeof(object));

    public long MaximumPayloadSize => maximumFrameSize - EnvelopeAllowance;

    /// <summary>Serializes <paramref name="value"/> and checks it reads back, so a value that cannot be rebuilt fails here.</summary>
    public byte[] SerializeChecked(object value, string what)
    {
        var bytes = Serialize(value, what);
        Deserialize(bytes, what);
        return bytes;
    }

    public byte[] Serialize(object value, string what)
    {
        byte[] bytes;
        try
        {
            bytes = _serializer.ToBinary(value);
        }
        catch (Exception e)
        {
            throw new MpSerializationException(
                $"Cannot serialize {what} of type {Describe(value)}: {Innermost(e).Message}", e);
        }
        if (bytes.LongLength > MaximumPayloadSize)
            throw new MpSerializationException(
                $"{what} of type {Describe(value)} is {bytes.LongLength:N0} bytes, over the maximum of {MaximumPayloadSize:N0} " +
                "(akka.remote.dot-netty.tcp.maximum-frame-size).");
        return bytes;
    }

    public object Deserialize(byte[] bytes, string what)
    {
        try
        {
            return _serializer.FromBinary(bytes, typeof(object));
        }
        catch (Exception e)
        {
            throw new MpSerializationException($"Cannot deserialize {what}: {Innermost(e).Message}", e);
        }
    }

    private static string Describe(object value) => value.GetType().FullName ?? value.GetType().Name;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
