using Multiprocessing.Runtime;

namespace Multiprocessing.Transfers;

/// <summary>
/// The bytes of one transfer: the message serialized without its detached payload, then each array of that
/// payload (<see cref="Messages.IPayloadCarrier"/>), seen as one run of bytes that chunks cut anywhere.
/// The sender reads chunks from the message's own arrays; the receiver writes them into arrays of the
/// announced lengths, which become the delivered message's: a payload is never copied whole on either side.
/// </summary>
internal sealed class TransferParts
{
    private readonly byte[][] _parts;
    private readonly long[] _starts; // where each part begins in the run

    public TransferParts(byte[] body, IReadOnlyList<byte[]> detached)
    {
        _parts = [body, .. detached];
        _starts = new long[_parts.Length];
        long at = 0;
        for (var i = 0; i < _parts.Length; i++)
        {
            _starts[i] = at;
            at += _parts[i].LongLength;
        }
        Length = at;
    }

    /// <summary>Empty parts of these lengths, to receive into (the lengths were checked against the node's maximum).</summary>
    public static TransferParts Receiving(long bodyLength, IReadOnlyList<int> detachedLengths) =>
        new(PayloadArrays.Allocate(checked((int)bodyLength)), [.. detachedLengths.Select(PayloadArrays.Allocate)]);

    public long Length { get; }

    /// <summary>The message serialized without its detached payload.</summary>
    public byte[] Body => _parts[0];

    /// <summary>The arrays of its detached payload.</summary>
    public byte[][] Detached => _parts[1..];

    public int[] DetachedLengths => _parts.Skip(1).Select(p => p.Length).ToArray();

    /// <summary>A copy of <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    public byte[] Read(long offset, int length)
    {
        var chunk = new byte[length];
        Copy(offset, length, (part, from, to) => part.AsSpan(from, to.Length).CopyTo(chunk.AsSpan(to.Start, to.Length)));
        return chunk;
    }

    /// <summary>Puts <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    public void Write(long offset, byte[] bytes) =>
        Copy(offset, bytes.Length, (part, into, from) => bytes.AsSpan(from.Start, from.Length).CopyTo(part.AsSpan(into, from.Length)));

    // Calls copy(part, offset in the part, (offset in the chunk, length)) for each part the range [offset, offset + length) covers.
    private void Copy(long offset, int length, Action<byte[], int, (int Start, int Length)> copy)
    {
        var part = Array.BinarySearch(_starts, offset);
        if (part < 0) part = ~part - 1;
        var done = 0;
        while (done < length)
        {
            // Empty parts begin where the next one does: skip them.
            while (offset + done - _starts[part] >= _parts[part].LongLength) part++;
            var inPart = (int)(offset + done - _starts[part]);
            var n = Math.Min(length - done, _parts[part].Length - inPart);
            copy(_parts[part], inPart, (done, n));
            done += n;
        }
    }
}
