using System.Buffers.Binary;
using System.Text;

namespace Multiprocessing.Managers.Wire;

/// <summary>Appends the fields of a <see cref="ManagerWire"/> message to a growing buffer.</summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity) => _buffer = new byte[Math.Max(capacity, 16)];

    public void Byte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void Long(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>A count or length, 7 bits a byte (most are under 128: one byte).</summary>
    public void Count(int value)
    {
        Ensure(5);
        var v = (uint)value;
        while (v >= 0x80)
        {
            _buffer[_length++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buffer[_length++] = (byte)v;
    }

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        Count(bytes);
        Ensure(bytes);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void Bytes(byte[] value)
    {
        Count(value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer, _length);
        _length += value.Length;
    }

    public void Arrays(IReadOnlyList<byte[]> arrays)
    {
        Count(arrays.Count);
        foreach (var array in arrays) Bytes(array);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_length + more)));
    }
}
