using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>
/// One chunk of items or results as one payload. Arrays of primitives (int, double...) travel as
/// their raw memory, a copy instead of a serializer call per element; every other type goes
/// through the cluster's serializer (Hyperion, unsafe types refused) with its size check.
/// Both ends know <typeparamref name="T"/>, so the payload needs no marker.
/// </summary>
internal static class ChunkCodec<T>
{
    private static readonly bool IsRaw = typeof(T).IsPrimitive;

    public static byte[] Encode(T[] items, PayloadSerializer payloads, string what)
    {
        if (!IsRaw) return payloads.Serialize(items, what);
        var raw = Bytes(items);
        if (raw.Length > payloads.MaximumPayloadSize)
            throw new MpSerializationException(
                $"{what} ({items.Length:N0} items of {typeof(T).Name}) is {raw.Length:N0} bytes, over the maximum of {payloads.MaximumPayloadSize:N0} " +
                "(multiprocessing.payloads.maximum-size).");
        return raw.ToArray();
    }

    public static T[] Decode(byte[] bytes, PayloadSerializer payloads, string what)
    {
        if (!IsRaw) return (T[])payloads.Deserialize(bytes, what);
        var items = new T[bytes.Length / Unsafe.SizeOf<T>()];
        bytes.CopyTo(Bytes(items));
        return items;
    }

    private static Span<byte> Bytes(T[] items) =>
        items.Length == 0 ? [] : MemoryMarshal.CreateSpan(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(items)), items.Length * Unsafe.SizeOf<T>());
}
