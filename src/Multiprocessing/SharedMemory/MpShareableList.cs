using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.shared_memory.ShareableList</c>: a fixed-length list of int (<see cref="long"/>), float
/// (<see cref="double"/>), bool, str (<see cref="string"/>), bytes (<c>byte[]</c>) and None (null) stored in a shared memory
/// block (<see cref="Shm"/>), laid out as CPython 3.9+ lays it out. Items are read from and written to the block at each
/// access, without a lock (as in Python): guard concurrent writers with a <see cref="MpLock"/>. It travels as its block does.
/// </summary>
public sealed class MpShareableList : IReadOnlyList<object?>, IDisposable
{
    // CPython's layout: q length | q offsets[n+1] (into the data area) | data, 8 bytes an item or a multiple of 8 for
    // str/bytes | 8s struct format of each item | b back-transform code of each item. Native byte order.
    private const int Word = 8;
    private const string IntFormat = "q", FloatFormat = "d", BoolFormat = "xxxxxxx?", NoneFormat = "xxxxxx?x";
    private const byte PlainCode = 0, StrCode = 1, BytesCode = 2, NoneCode = 3;

    // What TryNormalize answers for a type a list cannot hold.
    private static readonly object Unsupported = new();

    private readonly MpSharedMemory _shm;

    /// <summary>
    /// Python's <c>ShareableList(sequence=None, *, name=None)</c>: with a <paramref name="sequence"/> (or neither argument), a new
    /// block holding its items, named <paramref name="name"/> (null: <c>psm_xxxxxxxx</c>); with only a <paramref name="name"/>,
    /// the list in that existing block.
    /// </summary>
    /// <exception cref="NotSupportedException">An item of another type than those above.</exception>
    public MpShareableList(IEnumerable<object?>? sequence = null, string? name = null)
    {
        if (sequence is null && name is not null)
        {
            _shm = new MpSharedMemory(name);
            Layout.Of(_shm);
            return;
        }
        object?[] items = [.. (sequence ?? []).Select(Normalize)];
        string[] formats = [.. items.Select(FormatOf)];
        var offsets = new long[items.Length + 1];
        for (var i = 0; i < items.Length; i++) offsets[i + 1] = offsets[i] + (formats[i].EndsWith('s') ? Allocated(formats[i]) : Word);
        var size = Word * (items.Length + 2) + offsets[^1] + (Word + 1) * items.Length;
        if (size > int.MaxValue) throw new ArgumentException($"The items need {size:N0} bytes: a block holds {int.MaxValue:N0} at most.", nameof(sequence));
        _shm = new MpSharedMemory(name, create: true, size: (int)size);
        var span = _shm.AsSpan();
        MemoryMarshal.Write(span, (long)items.Length);
        for (var i = 0; i <= items.Length; i++) MemoryMarshal.Write(span[(Word * (i + 1))..], offsets[i]);
        var layout = Layout.Of(_shm);
        for (var i = 0; i < items.Length; i++) layout.Pack(span, i, formats[i], items[i]);
    }

    /// <summary>The block that holds the list (Python's <c>shm</c>): close it, or unlink it, through this.</summary>
    public MpSharedMemory Shm => _shm;

    /// <summary>Python's <c>len(sl)</c>: the number of items, fixed when the list was made.</summary>
    public int Count => Layout.Of(_shm).Count;

    /// <summary>
    /// Python's <c>format</c>: the struct format of every item, in order (<c>q</c> int, <c>d</c> float, <c>xxxxxxx?</c> bool,
    /// <c>xxxxxx?x</c> None, <c>Ns</c> str or bytes of N bytes).
    /// </summary>
    public string Format
    {
        get
        {
            var layout = Layout.Of(_shm);
            var span = _shm.AsSpan();
            var format = new StringBuilder();
            for (var i = 0; i < layout.Count; i++) format.Append(layout.FormatOf(span, i));
            return format.ToString();
        }
    }

    /// <summary>
    /// Item <paramref name="index"/> (negative counts from the end): a <see cref="long"/>, <see cref="double"/>, bool, string,
    /// byte[] or null. Setting writes in place: any supported type (an int is stored as a long, a float as a double); a
    /// string or byte[] must fit the item's room (its first value's length rounded up to the next multiple of 8, or 8 bytes
    /// for a number, bool or None), else <see cref="ArgumentException"/>, as Python's <c>ValueError</c>. Trailing NUL bytes
    /// of a string or bytes are not kept (as in Python).
    /// </summary>
    public object? this[int index]
    {
        get
        {
            var layout = Layout.Of(_shm);
            return layout.Unpack(_shm.AsSpan(), layout.Checked(index));
        }
        set
        {
            var layout = Layout.Of(_shm);
            var i = layout.Checked(index);
            var item = Normalize(value);
            var span = _shm.AsSpan();
            var format = FormatOf(item);
            if (item is string or byte[])
            {
                var room = layout.Room(span, i);
                if (Encoded(item).Length > room)
                    throw new ArgumentException($"bytes/str item exceeds available storage: item {index} has room for {room} bytes.", nameof(value));
                var current = layout.FormatOf(span, i);
                format = current.EndsWith('s') ? current : string.Create(CultureInfo.InvariantCulture, $"{room}s");
            }
            layout.Pack(span, i, format, item);
        }
    }

    /// <summary>Python's <c>count(value)</c>: how many items equal <paramref name="value"/> (normalized as a write would store it; bytes by content).</summary>
    public int CountOf(object? value) => TryNormalize(value, out var item) ? Enumerable.Count(this, entry => Same(entry, item)) : 0;

    /// <summary>Python's <c>index(value)</c>: the first item equal to <paramref name="value"/>, or -1 (Python raises <c>ValueError</c>).</summary>
    public int IndexOf(object? value)
    {
        if (!TryNormalize(value, out var item)) return -1;
        var at = 0;
        foreach (var entry in this)
        {
            if (Same(entry, item)) return at;
            at++;
        }
        return -1;
    }

    public IEnumerator<object?> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Python's repr: <c>ShareableList(['howdy', 42, None], name='psm_1a2b3c4d')</c>.</summary>
    public override string ToString() => $"ShareableList({MpRepr.List(this)}, name={MpRepr.Of(_shm.Name)})";

    /// <summary>Closes <see cref="Shm"/> in this process (Python: <c>sl.shm.close()</c>).</summary>
    public void Dispose() => _shm.Close();

    private static bool Same(object? entry, object? item) =>
        entry is byte[] a && item is byte[] b ? a.AsSpan().SequenceEqual(b) : Equals(entry, item);

    private static object? Normalize(object? value) =>
        TryNormalize(value, out var item) ? item
        : throw new NotSupportedException(
            $"A ShareableList holds int, float, bool, str, bytes and None (long, double, bool, string, byte[], null), not {value!.GetType()}.");

    private static bool TryNormalize(object? value, out object? item)
    {
        item = value switch
        {
            null or bool or long or double or string or byte[] => value,
            sbyte or byte or short or ushort or int or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            ulong u => u <= long.MaxValue ? (long)u : throw new OverflowException($"{u} does not fit a ShareableList's int (a signed 64-bit 'q')."),
            float f => (double)f,
            _ => Unsupported,
        };
        return item != Unsupported;
    }

    private static string FormatOf(object? item) => item switch
    {
        null => NoneFormat,
        bool => BoolFormat,
        long => IntFormat,
        double => FloatFormat,
        _ => string.Create(CultureInfo.InvariantCulture, $"{Word * (Encoded(item).Length / Word + 1)}s"),
    };

    private static byte[] Encoded(object? item) => item as byte[] ?? Encoding.UTF8.GetBytes((string)item!);

    private static int Allocated(string format)
    {
        if (format.Length > Word) throw new ArgumentException($"An item of {format[..^1]} bytes is beyond what a ShareableList's 8-character format can say.");
        return int.Parse(format.AsSpan(0, format.Length - 1), CultureInfo.InvariantCulture);
    }

    /// <summary>Where the parts of a list are in its block, read from the block's header.</summary>
    private readonly struct Layout
    {
        private readonly int _dataAt, _formatsAt, _codesAt;

        private Layout(int count, int dataAt, int formatsAt)
        {
            Count = count;
            _dataAt = dataAt;
            _formatsAt = formatsAt;
            _codesAt = formatsAt + Word * count;
        }

        public int Count { get; }

        public static Layout Of(MpSharedMemory shm)
        {
            var span = shm.AsSpan();
            var count = span.Length >= Word ? MemoryMarshal.Read<long>(span) : -1;
            if (count >= 0 && Word * (count + 2) <= span.Length)
            {
                var dataAt = Word * ((int)count + 2);
                var dataLength = MemoryMarshal.Read<long>(span[(Word * ((int)count + 1))..]);
                if (dataLength >= 0 && dataAt + dataLength + (Word + 1) * count <= span.Length)
                    return new Layout((int)count, dataAt, dataAt + (int)dataLength);
            }
            throw new InvalidOperationException($"The shared memory block '{shm.Name}' does not hold a ShareableList.");
        }

        public int Checked(int index)
        {
            var at = index < 0 ? index + Count : index;
            return (uint)at < (uint)Count ? at
                : throw new ArgumentOutOfRangeException(nameof(index), index, $"ShareableList index out of range (count {Count}).");
        }

        public string FormatOf(ReadOnlySpan<byte> span, int i) => Encoding.ASCII.GetString(span.Slice(_formatsAt + Word * i, Word).TrimEnd((byte)0));

        public int Room(ReadOnlySpan<byte> span, int i) => (int)(Offset(span, i + 1) - Offset(span, i));

        public object? Unpack(ReadOnlySpan<byte> span, int i)
        {
            var at = _dataAt + (int)Offset(span, i);
            var format = FormatOf(span, i);
            var code = span[_codesAt + i];
            if (code == NoneCode) return null;
            switch (format)
            {
                case IntFormat: return MemoryMarshal.Read<long>(span[at..]);
                case FloatFormat: return MemoryMarshal.Read<double>(span[at..]);
                case BoolFormat: return span[at + Word - 1] != 0;
            }
            var bytes = span.Slice(at, Allocated(format)).TrimEnd((byte)0);
            return code == StrCode ? Encoding.UTF8.GetString(bytes) : bytes.ToArray();
        }

        /// <summary>Python's <c>struct.pack_into</c> of one item with its format and back-transform code.</summary>
        public void Pack(Span<byte> span, int i, string format, object? item)
        {
            var slot = span.Slice(_formatsAt + Word * i, Word);
            slot.Clear();
            Encoding.ASCII.GetBytes(format, slot);
            span[_codesAt + i] = item switch { null => NoneCode, string => StrCode, byte[] => BytesCode, _ => PlainCode };
            var at = _dataAt + (int)Offset(span, i);
            switch (item)
            {
                case long l:
                    MemoryMarshal.Write(span[at..], l);
                    break;
                case double d:
                    MemoryMarshal.Write(span[at..], d);
                    break;
                case bool b:
                    span.Slice(at, Word).Clear();
                    span[at + Word - 1] = b ? (byte)1 : (byte)0;
                    break;
                case null:
                    span.Slice(at, Word).Clear();
                    break;
                default:
                    var room = span.Slice(at, Allocated(format));
                    room.Clear();
                    Encoded(item).CopyTo(room);
                    break;
            }
        }

        private static long Offset(ReadOnlySpan<byte> span, int i) => MemoryMarshal.Read<long>(span[(Word * (i + 1))..]);
    }
}
