using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing;

/// <summary>
/// Python's <c>Array(typecode, initializer)</c>: a fixed-length array of numbers shared by every
/// process it is passed to. Each index, slice or <see cref="ToArray"/> read or write takes the
/// object's lock once, like Python's; hold <see cref="GetLock"/> around a read-modify-write.
/// On the creator's host it is shared memory; from another host each access is a request to the
/// creating process (a slice is one request).
/// </summary>
public sealed class MpArray<T> where T : unmanaged
{
    private readonly SharedValueRef _ref;

    internal MpArray(SharedValueRef reference)
    {
        Typecodes.Of<T>();
        _ref = reference;
    }

    /// <summary>The handle of an Array of <paramref name="length"/> elements held at <paramref name="address"/> (a Manager's <see cref="ValueState"/>).</summary>
    internal MpArray(SharedObjectAddress address, int length, bool hasLock = true) : this(new SharedValueRef(address, length, hasLock))
    {
    }

    internal SharedValueRef Reference => _ref;

    /// <summary>Python's <c>len(arr)</c>.</summary>
    public int Length => _ref.Length;

    public T this[int index]
    {
        get => _ref.Backing.Get<T>(Checked(index), _ref.Locked);
        set => _ref.Backing.Set(Checked(index), value, _ref.Locked);
    }

    /// <summary>From the end too: <c>arr[^1]</c> is Python's <c>arr[-1]</c>.</summary>
    public T this[Index index]
    {
        get => this[index.GetOffset(Length)];
        set => this[index.GetOffset(Length)] = value;
    }

    /// <summary>Python's <c>arr[a:b]</c>: a copy of the elements; assigning needs as many elements as the range has.</summary>
    public T[] this[Range range]
    {
        get
        {
            var (start, count) = range.GetOffsetAndLength(Length);
            return _ref.Backing.GetRange<T>(start, count, _ref.Locked);
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var (start, count) = range.GetOffsetAndLength(Length);
            if (value.Length != count)
                throw new ArgumentException($"Can only assign a sequence of the same size: the slice has {count} elements, not {value.Length}.", nameof(value));
            _ref.Backing.SetRange(start, value, _ref.Locked);
        }
    }

    /// <summary>Elements <paramref name="start"/> (included) to <paramref name="end"/> (excluded).</summary>
    public T[] Slice(int start, int end) => this[start..end];

    /// <summary>Python's <c>arr[:]</c>: every element, read at once.</summary>
    public T[] ToArray() => this[..];

    /// <summary>The object's RLock; <see cref="InvalidOperationException"/> for an Array made with <c>lock: false</c> (Python's RawArray).</summary>
    public IMpLock GetLock() => _ref.HasLock ? _ref.Lock
        : throw new InvalidOperationException("This Array was created with lock: false (Python's RawArray): it has no lock.");

    /// <summary>The raw object (Python's <c>get_obj()</c>): the same memory, read and written without taking the lock.</summary>
    public MpArray<T> GetObj() => new(_ref.AsRaw());

    /// <summary>
    /// What Python prints for a Manager's Array (<c>print(arr)</c>): <c>array('d', [1.0, 2.0])</c>, with Python's typecode
    /// and float repr; the elements are read at once, as <see cref="ToArray"/>.
    /// </summary>
    public override string ToString() => MpRepr.Array(Typecodes.Of<T>(), ToArray());

    private int Checked(int index) =>
        (uint)index < (uint)Length ? index : throw new IndexOutOfRangeException($"Index {index} is outside the array of {Length} elements.");
}
