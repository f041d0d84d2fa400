using System.Buffers.Binary;
using System.Text;

namespace Multiprocessing.Direct;

/// <summary>
/// The wire format of a direct link: the cookie once, then one frame per message:
/// [int32 length of the rest][int32 length of the path][recipient path, UTF-8][payload].
/// </summary>
internal static class DirectFrames
{
    public static byte[] Encode(string recipientPath, byte[] payload)
    {
        var pathLength = Encoding.UTF8.GetByteCount(recipientPath);
        var frame = new byte[8 + pathLength + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 4 + pathLength + payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), pathLength);
        Encoding.UTF8.GetBytes(recipientPath, frame.AsSpan(8));
        payload.CopyTo(frame, 8 + pathLength);
        return frame;
    }

    public static byte[] EncodeCookie(byte[] cookie)
    {
        var frame = new byte[4 + cookie.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, cookie.Length);
        cookie.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>The next length-prefixed block; null at the end of the stream.</summary>
    public static byte[]? ReadBlock(Stream stream, long maximumLength)
    {
        Span<byte> header = stackalloc byte[4];
        if (!ReadExactly(stream, header)) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maximumLength) throw new InvalidDataException($"A direct-link frame of {length} bytes is out of bounds.");
        var block = new byte[length];
        return ReadExactly(stream, block) ? block : null;
    }

    public static (string Path, byte[] Payload) Decode(byte[] block)
    {
        var pathLength = BinaryPrimitives.ReadInt32LittleEndian(block);
        var path = Encoding.UTF8.GetString(block, 4, pathLength);
        return (path, block[(4 + pathLength)..]);
    }

    private static bool ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
