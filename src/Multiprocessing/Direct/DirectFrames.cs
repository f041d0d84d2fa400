using System.Buffers.Binary;
using System.Text;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// The wire format of a direct link once its handshake is done (<see cref="DirectHandshake"/>): one frame
/// per message: [int32 length of the rest][int32 n][recipient path, n bytes of UTF-8][int32 s][sender path, s
/// bytes, none for no sender][int32 m][the message serialized, m bytes][int32 k][k int32 lengths][k arrays]. The k arrays are the message's detached payload
/// (<see cref="Messages.IPayloadCarrier"/>): written from the sender's arrays and read into the receiver's
/// as they are, never copied into a frame. On a <see cref="Mode.Calls"/> connection each frame is answered by
/// one block back: [int32 length][reply].
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

    // Bytes up to this size are copied together and go in one write (a frame this small is read in one too):
    // a round trip pays no more system calls than it must. A larger payload array is written from itself.
    private const int CopiedBytes = 64 * 1024;

    /// <summary>A frame to write: <paramref name="Pieces"/>, one after the other.</summary>
    public sealed record Frame(IReadOnlyList<byte[]> Pieces)
    {
        public long Length => Pieces.Sum(piece => piece.LongLength);
    }

    /// <summary>A frame read: its recipient's path, its sender's ("": none), its serialized message and its detached payload.</summary>
    public sealed record Received(string Path, string SenderPath, byte[] Body, byte[][] Segments);

    public static Frame Encode(string recipientPath, string senderPath, byte[] body, IReadOnlyList<byte[]> segments)
    {
        var pathLength = Encoding.UTF8.GetByteCount(recipientPath);
        var senderLength = Encoding.UTF8.GetByteCount(senderPath);
        var headLength = 4 + 4 + pathLength + 4 + senderLength + 4 + body.Length + 4 + 4 * segments.Count;
        long segmentBytes = 0;
        foreach (var segment in segments) segmentBytes += segment.LongLength;
        if (headLength - 4 + segmentBytes > int.MaxValue)
            throw new MpSerializationException($"A message of {headLength + segmentBytes:N0} bytes does not fit a direct-link frame (2 GiB).");
        var pieces = new List<byte[]>();
        // Sized for the head and the small arrays before the first large one: a small frame is this one array.
        var leading = segments.TakeWhile(segment => segment.Length < CopiedBytes).Sum(segment => (long)segment.Length);
        var copied = new MemoryStream(headLength + (int)Math.Min(leading, CopiedBytes));
        WriteInt(copied, headLength - 4 + (int)segmentBytes);
        WriteInt(copied, pathLength);
        copied.Write(Encoding.UTF8.GetBytes(recipientPath));
        WriteInt(copied, senderLength);
        copied.Write(Encoding.UTF8.GetBytes(senderPath));
        WriteInt(copied, body.Length);
        copied.Write(body);
        WriteInt(copied, segments.Count);
        foreach (var segment in segments) WriteInt(copied, segment.Length);
        foreach (var segment in segments)
        {
            if (segment.Length < CopiedBytes)
            {
                copied.Write(segment);
                continue;
            }
            if (copied.Length > 0) pieces.Add(Contents(copied));
            copied = new MemoryStream();
            pieces.Add(segment);
        }
        if (copied.Length > 0) pieces.Add(Contents(copied));
        return new Frame(pieces);
    }

    private static void WriteInt(MemoryStream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    // The stream's own buffer when it is exactly full (as a small frame's is): no copy.
    private static byte[] Contents(MemoryStream stream) => stream.Length == stream.Capacity ? stream.GetBuffer() : stream.ToArray();

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
    public static bool TryWrite(Stream stream, Frame frame)
    {
        try
        {
            foreach (var piece in frame.Pieces) stream.Write(piece);
            return true;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The next frame, its detached payload read straight into arrays of their own; null at the end of the
    /// stream. Every length is checked against what the frame announced, itself at most <paramref name="maximumLength"/>.
    /// </summary>
    public static Received? ReadFrame(Stream stream, long maximumLength)
    {
        try
        {
            var rest = ReadLength(stream, maximumLength, "frame");
            // A small frame is read in one go and taken apart in memory; a large one as it comes, its payload
            // straight into the arrays the recipient keeps.
            var source = rest <= CopiedBytes ? new MemoryStream(ReadExactly(stream, rest)) : stream;
            long left = rest;
            var path = Encoding.UTF8.GetString(ReadSized(source, ref left, "recipient path"));
            var senderPath = Encoding.UTF8.GetString(ReadSized(source, ref left, "sender path"));
            var body = ReadSized(source, ref left, "message");
            Take(4, ref left, "payload count");
            var count = ReadLength(source, left / 4, "payload count");
            Take(4L * count, ref left, "payload lengths");
            var lengths = new int[count];
            for (var i = 0; i < count; i++) lengths[i] = ReadLength(source, left, "payload array");
            var segments = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                Take(lengths[i], ref left, "payload array");
                segments[i] = ReadExactly(source, lengths[i]);
            }
            if (left != 0) throw new InvalidDataException($"A direct-link frame of {rest:N0} bytes holds {left:N0} bytes it does not account for.");
            return new Received(path, senderPath, body, segments);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>The next length-prefixed block; null at the end of the stream.</summary>
    public static byte[]? ReadBlock(Stream stream, long maximumLength)
    {
        try
        {
            return ReadExactly(stream, ReadLength(stream, maximumLength, "frame"));
        }
        catch (EndOfStreamException)
        {
            return null;
        }
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
            var block = PayloadArrays.Allocate(length);
            await stream.ReadExactlyAsync(block, cancellationToken);
            return block;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static byte[] ReadSized(Stream source, ref long left, string what)
    {
        Take(4, ref left, what);
        var length = ReadLength(source, left, what);
        Take(length, ref left, what);
        return ReadExactly(source, length);
    }

    // Counts n more bytes of the frame as read; more than it has left is a lie.
    private static void Take(long n, ref long left, string what)
    {
        if (n > left) throw new InvalidDataException($"A direct-link frame's {what} runs past its end.");
        left -= n;
    }

    private static int ReadLength(Stream source, long maximum, string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        source.ReadExactly(bytes);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (length < 0 || length > maximum) throw new InvalidDataException($"A direct-link {what} of {length} bytes is out of bounds.");
        return length;
    }

    private static byte[] ReadExactly(Stream source, int length)
    {
        var bytes = PayloadArrays.Allocate(length);
        source.ReadExactly(bytes);
        return bytes;
    }
}
