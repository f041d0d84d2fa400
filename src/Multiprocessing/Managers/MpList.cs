using Multiprocessing.Managers;
using Multiprocessing.Shared;

namespace Multiprocessing;

/// <summary>
/// Python's <c>manager.list()</c> proxy: a list held by the Manager, usable from any process.
/// Indexes may be negative (from the end); an index out of range throws
/// <see cref="ArgumentOutOfRangeException"/>. Every operation is one atomic request, in order.
/// </summary>
public sealed class MpList<T>
{
    private readonly ObjectChannel _channel;

    internal MpList(SharedObjectAddress address) => _channel = new ObjectChannel(address);

    public T this[int index]
    {
        get => _channel.Value<T>(_channel.Call(ListOps.GetItem, Codec.Int(index))[0]);
        set => _channel.Call(ListOps.SetItem, Codec.Int(index), _channel.Bytes(value));
    }

    public int Count => Codec.Int(_channel.Call(ListOps.Len)[0]);

    public void Append(T item) => _channel.Call(ListOps.Append, _channel.Bytes(item));

    public void Add(T item) => Append(item);

    /// <summary>Appends every item in one request.</summary>
    public void Extend(IEnumerable<T> items) => _channel.Call(ListOps.Extend, [.. items.Select(_channel.Bytes)]);

    /// <summary>Python's <c>insert(index, item)</c>: an index past either end inserts at that end.</summary>
    public void Insert(int index, T item) => _channel.Call(ListOps.Insert, Codec.Int(index), _channel.Bytes(item));

    /// <summary>Python's <c>pop(index=-1)</c>.</summary>
    public T Pop(int index = -1) => _channel.Value<T>(_channel.Call(ListOps.Pop, Codec.Int(index))[0]);

    /// <summary>Python's <c>del l[index]</c>.</summary>
    public void RemoveAt(int index) => _channel.Call(ListOps.DelItem, Codec.Int(index));

    /// <summary>Python's <c>remove(item)</c>: the first equal item; <see cref="InvalidOperationException"/> if there is none.</summary>
    public void Remove(T item) => _channel.Call(ListOps.Remove, _channel.Bytes(item));

    /// <summary>The index of the first equal item, -1 if none (Python's <c>index</c> raises instead).</summary>
    public int IndexOf(T item) => Codec.Int(_channel.Call(ListOps.Index, _channel.Bytes(item))[0]);

    /// <summary>Python's <c>count(item)</c>.</summary>
    public int CountOf(T item) => Codec.Int(_channel.Call(ListOps.Count, _channel.Bytes(item))[0]);

    public void Reverse() => _channel.Call(ListOps.Reverse);

    /// <summary>Python's <c>sort(reverse=...)</c>; items compare with their default comparer.</summary>
    public void Sort(bool reverse = false) => _channel.Call(ListOps.Sort, Codec.Bool(reverse));

    public void Clear() => _channel.Call(ListOps.Clear);

    /// <summary>Python's <c>l[start:stop]</c>: bounds may be negative, and are clamped to the list.</summary>
    public IReadOnlyList<T> Slice(int start, int stop) =>
        [.. _channel.Call(ListOps.Slice, Codec.Int(start), Codec.Int(stop)).Select(_channel.Value<T>)];

    /// <summary>A local copy of the whole list.</summary>
    public List<T> ToList() => [.. Slice(0, int.MaxValue)];

    public async Task<T> GetAsync(int index, CancellationToken cancellationToken = default) =>
        _channel.Value<T>((await _channel.CallAsync(ListOps.GetItem, [Codec.Int(index)], cancellationToken))[0]);

    public Task SetAsync(int index, T item, CancellationToken cancellationToken = default) =>
        _channel.CallAsync(ListOps.SetItem, [Codec.Int(index), _channel.Bytes(item)], cancellationToken);

    public Task AppendAsync(T item, CancellationToken cancellationToken = default) =>
        _channel.CallAsync(ListOps.Append, [_channel.Bytes(item)], cancellationToken);

    /// <summary>Python's <c>print(l)</c>: <c>[9, 8, 7]</c>.</summary>
    public override string ToString() => MpRepr.List(ToList().Cast<object?>());
}
