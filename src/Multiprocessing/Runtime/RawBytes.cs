using System.Buffers.Binary;

namespace Multiprocessing.Runtime;

/// <summary>
/// A <c>byte[]</c> value in Hyperion's own format ([9][int32 length][the bytes]), written and read in one
/// copy: Hyperion would grow a stream to it, doubling, and copy it out again, which costs a 100 MiB
/// payload three fresh allocations (and their page faults) instead of one. The bytes are Hyperion's, so
/// either side may read them with either. A test holds the format to Hyperion's.
/// </summary>
internal static class RawBytes
{
    private const byte ByteArrayManifest = 9;
    private const int HeaderBytes = 5;

    public static byte[] Serialize(byte[] value)
    {
        var bytes = PayloadArrays.Allocate(HeaderBytes + value.Length);
        bytes[0] = ByteArrayManifest;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), value.Length);
        value.CopyTo(bytes, HeaderBytes);
        return bytes;
    }

    /// <summary>The array <paramref name="bytes"/> hold, or null when they hold something else.</summary>
    public static byte[]? TryDeserialize(byte[] bytes)
    {
        if (bytes.Length < HeaderBytes || bytes[0] != ByteArrayManifest
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(1)) != bytes.Length - HeaderBytes) return null;
        var value = PayloadArrays.Allocate(bytes.Length - HeaderBytes);
        bytes.AsSpan(HeaderBytes).CopyTo(value);
        return value;
    }
}
