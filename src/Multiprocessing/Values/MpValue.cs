using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing;

/// <summary>
/// Python's <c>Value(typecode, value)</c>: one number shared by every process it is passed to
/// (as a Process argument, or through a queue). Reads and writes of <see cref="Value"/> take the
/// object's lock each, like Python's: <c>v.Value += 1</c> is a read then a write, NOT atomic;
/// hold <see cref="GetLock"/> around a read-modify-write. On the creator's host it is shared
/// memory; from another host each access is a request to the creating process.
/// </summary>
public sealed class MpValue<T> where T : unmanaged
{
    private readonly SharedValueRef _ref;

    internal MpValue(SharedValueRef reference)
    {
        Typecodes.Of<T>();
        _ref = reference;
    }

    /// <summary>The handle of a Value held by the actor or entity at <paramref name="address"/> (a Manager's <see cref="ValueState"/>).</summary>
    internal MpValue(SharedObjectAddress address, bool hasLock = true) : this(new SharedValueRef(address, 1, hasLock))
    {
    }

    internal SharedValueRef Reference => _ref;

    public T Value
    {
        get => _ref.Backing.Get<T>(0, _ref.Locked);
        set => _ref.Backing.Set(0, value, _ref.Locked);
    }

    /// <summary>The object's RLock; <see cref="InvalidOperationException"/> for a Value made with <c>lock: false</c> (Python's RawValue).</summary>
    public IMpLock GetLock() => _ref.HasLock ? _ref.Lock
        : throw new InvalidOperationException("This Value was created with lock: false (Python's RawValue): it has no lock.");

    /// <summary>The raw object (Python's <c>get_obj()</c>): the same memory, read and written without taking the lock.</summary>
    public MpValue<T> GetObj() => new(_ref.AsRaw());
}
