using System.Buffers.Binary;
using System.Text;

namespace Multiprocessing.Managers.Wire;

/// <summary>
/// Reads the fields of a <see cref="ManagerWire"/> message, trusting nothing: every length and count is checked
/// against the bytes left before anything is allocated for it (<see cref="InvalidDataException"/> otherwise).
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> bytes)
{
    private ReadOnlySpan<byte> _left = bytes;

    public readonly bool AtEnd => _left.IsEmpty;

    public byte Byte()
    {
        Need(1);
        var value = _left[0];
        _left = _left[1..];
        return value;
    }

    public long Long()
    {
        Need(8);
        var value = BinaryPrimitives.ReadInt64LittleEndian(_left);
        _left = _left[8..];
        return value;
    }

    /// <summary>A count of items that each take at least <paramref name="minimumBytes"/>: never more than the bytes left allow.</summary>
    public int Count(int minimumBytes = 1)
    {
        uint value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28) throw Malformed("a count of more than 5 bytes");
            var next = Byte();
            value |= (uint)(next & 0x7F) << shift;
            if (next < 0x80) break;
        }
        if (value > int.MaxValue || (long)value * Math.Max(minimumBytes, 0) > _left.Length) throw Malformed($"a count of {value} with {_left.Length} bytes left");
        return (int)value;
    }

    public string String()
    {
        var length = Count();
        var value = Encoding.UTF8.GetString(_left[..length]);
        _left = _left[length..];
        return value;
    }

    public byte[] Bytes()
    {
        var length = Count();
        var value = length == 0 ? [] : _left[..length].ToArray();
        _left = _left[length..];
        return value;
    }

    public byte[][] Arrays()
    {
        var arrays = new byte[Count()][]; // each takes at least its length's byte
        for (var i = 0; i < arrays.Length; i++) arrays[i] = Bytes();
        return arrays;
    }

    private readonly void Need(int bytes)
    {
        if (_left.Length < bytes) throw Malformed($"{bytes} more bytes wanted, {_left.Length} left");
    }

    public static InvalidDataException Malformed(string what) => new($"A Manager message on the wire is malformed: {what}.");
}
