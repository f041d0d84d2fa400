using System.Buffers.Binary;
using System.Text;

namespace Multiprocessing.Direct;

/// <summary>
/// The wire format of a direct link once its handshake is done (<see cref="DirectHandshake"/>): one frame
/// per message: [int32 length of the rest][int32 length of the path][recipient path, UTF-8][payload].
/// On a <see cref="Mode.Calls"/> connection each frame is answered by one block back: [int32 length][reply].
/// </summary>
internal static class DirectFrames
{
    public enum Mode : byte
    {
        /// <summary>One-way messages (<see cref="DirectChannel"/>).</summary>
        Messages = 0,

        /// <summary>Requests, each answered on the same connection (<see cref="DirectCalls"/>).</summary>
        Calls = 1,
    }

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

    /// <summary>A reply block: [int32 length][payload].</summary>
    public static byte[] EncodeBlock(byte[] payload)
    {
        var block = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(block, payload.Length);
        payload.CopyTo(block, 4);
        return block;
    }

    /// <summary>
    /// Writes <paramref name="frame"/>; false when the connection broke. A write that fails never
    /// delivers its frame whole (the rest of it was not accepted), so the caller may send it another way.
    /// </summary>
    public static bool TryWrite(Stream stream, byte[] frame)
    {
        try
        {
            stream.Write(frame);
            return true;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return false;
        }
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

    /// <summary><see cref="ReadBlock"/>, awaited.</summary>
    public static async Task<byte[]?> ReadBlockAsync(Stream stream, long maximumLength, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(header, cancellationToken);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length < 0 || length > maximumLength) throw new InvalidDataException($"A direct-link frame of {length} bytes is out of bounds.");
            var block = new byte[length];
            await stream.ReadExactlyAsync(block, cancellationToken);
            return block;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    public static (string Path, byte[] Payload) Decode(byte[] block)
    {
        var pathLength = block.Length < 4 ? -1 : BinaryPrimitives.ReadInt32LittleEndian(block);
        if (pathLength < 0 || pathLength > block.Length - 4) throw new InvalidDataException($"A direct-link frame of {block.Length} bytes names a path of {pathLength}.");
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
