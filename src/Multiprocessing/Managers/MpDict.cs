using System.Diagnostics.CodeAnalysis;
using Multiprocessing.Managers;
using Multiprocessing.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>manager.dict()</c> proxy: a dict held by the Manager, usable from any process
/// (pass it as a process argument or through a queue). Every operation is one atomic request to
/// the object, in order; keys are equal when their serialized forms are. Iteration order is
/// insertion order, as Python's. The Async methods let many operations be in flight at once.
/// </summary>
public sealed class MpDict<TKey, TValue> where TKey : notnull
{
    private readonly ObjectChannel _channel;

    internal MpDict(SharedObjectAddress address) => _channel = new ObjectChannel(address);

    /// <summary>Python's <c>d[key]</c>: <see cref="KeyNotFoundException"/> when the key is missing.</summary>
    public TValue this[TKey key]
    {
        get => _channel.Value<TValue>(_channel.Call(DictOps.GetItem, _channel.Bytes(key))[0]);
        set => _channel.Call(DictOps.SetItem, _channel.Bytes(key), _channel.Bytes(value));
    }

    public int Count => Codec.Int(_channel.Call(DictOps.Len)[0]);

    public bool ContainsKey(TKey key) => Codec.Bool(_channel.Call(DictOps.Contains, _channel.Bytes(key))[0]);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        var found = _channel.Call(DictOps.Get, _channel.Bytes(key));
        value = found.Count == 1 ? _channel.Value<TValue>(found[0]) : default;
        return found.Count == 1;
    }

    /// <summary>Python's <c>d.get(key)</c>: the default of <typeparamref name="TValue"/> (None) when the key is missing.</summary>
    public TValue? Get(TKey key) => TryGetValue(key, out var value) ? value : default;

    /// <summary>Python's <c>d.get(key, default)</c>.</summary>
    public TValue Get(TKey key, TValue defaultValue) => TryGetValue(key, out var value) ? value : defaultValue;

    /// <summary>Python's <c>d.setdefault(key, default)</c>: the value at <paramref name="key"/>, set to <paramref name="defaultValue"/> first if missing.</summary>
    public TValue SetDefault(TKey key, TValue defaultValue) =>
        _channel.Value<TValue>(_channel.Call(DictOps.SetDefault, _channel.Bytes(key), _channel.Bytes(defaultValue))[0]);

    /// <summary>Removes <paramref name="key"/>; false if it was missing.</summary>
    public bool Remove(TKey key) => _channel.Call(DictOps.Pop, _channel.Bytes(key)).Count == 1;

    /// <summary>Python's <c>d.pop(key)</c>: <see cref="KeyNotFoundException"/> when the key is missing.</summary>
    public TValue Pop(TKey key)
    {
        var popped = _channel.Call(DictOps.Pop, _channel.Bytes(key));
        return popped.Count == 1 ? _channel.Value<TValue>(popped[0]) : throw new KeyNotFoundException("The key is not in the Manager dict.");
    }

    /// <summary>Python's <c>d.pop(key, default)</c>.</summary>
    public TValue Pop(TKey key, TValue defaultValue)
    {
        var popped = _channel.Call(DictOps.Pop, _channel.Bytes(key));
        return popped.Count == 1 ? _channel.Value<TValue>(popped[0]) : defaultValue;
    }

    /// <summary>Python's <c>d.popitem()</c>: the last inserted pair; <see cref="KeyNotFoundException"/> when empty.</summary>
    public KeyValuePair<TKey, TValue> PopItem()
    {
        var pair = _channel.Call(DictOps.PopItem);
        return new(_channel.Value<TKey>(pair[0]), _channel.Value<TValue>(pair[1]));
    }

    /// <summary>Python's <c>d.update(items)</c>: one request for all of them.</summary>
    public void Update(IEnumerable<KeyValuePair<TKey, TValue>> items) => Blocking.Wait(() => UpdateAsync(items));

    public void Clear() => _channel.Call(DictOps.Clear);

    /// <summary>A snapshot of the keys, in insertion order.</summary>
    public IReadOnlyList<TKey> Keys() => [.. _channel.Call(DictOps.Keys).Select(_channel.Value<TKey>)];

    /// <summary>A snapshot of the values, in insertion order.</summary>
    public IReadOnlyList<TValue> Values() => [.. _channel.Call(DictOps.Values).Select(_channel.Value<TValue>)];

    /// <summary>A snapshot of the pairs, in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<TKey, TValue>> Items() => Blocking.Wait(() => ItemsAsync());

    /// <summary>A local copy (Python's <c>d.copy()</c>).</summary>
    public Dictionary<TKey, TValue> ToDictionary() => Items().ToDictionary(p => p.Key, p => p.Value);

    public async Task<TValue> GetAsync(TKey key, CancellationToken cancellationToken = default) =>
        _channel.Value<TValue>((await _channel.CallAsync(DictOps.GetItem, [_channel.Bytes(key)], cancellationToken))[0]);

    public Task SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default) =>
        _channel.CallAsync(DictOps.SetItem, [_channel.Bytes(key), _channel.Bytes(value)], cancellationToken);

    /// <summary>The values of <paramref name="keys"/> in one request; <see cref="KeyNotFoundException"/> if one is missing.</summary>
    public async Task<IReadOnlyList<TValue>> GetManyAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default) =>
        [.. (await _channel.CallAsync(DictOps.GetMany, [.. keys.Select(_channel.Bytes)], cancellationToken)).Select(_channel.Value<TValue>)];

    public Task UpdateAsync(IEnumerable<KeyValuePair<TKey, TValue>> items, CancellationToken cancellationToken = default) =>
        _channel.CallAsync(DictOps.Update, [.. items.SelectMany(p => new[] { _channel.Bytes(p.Key), _channel.Bytes(p.Value) })], cancellationToken);

    public async Task<IReadOnlyList<KeyValuePair<TKey, TValue>>> ItemsAsync(CancellationToken cancellationToken = default)
    {
        var flat = await _channel.CallAsync(DictOps.Items, [], cancellationToken);
        var pairs = new KeyValuePair<TKey, TValue>[flat.Count / 2];
        for (var i = 0; i < pairs.Length; i++) pairs[i] = new(_channel.Value<TKey>(flat[2 * i]), _channel.Value<TValue>(flat[2 * i + 1]));
        return pairs;
    }

    /// <summary>Python's <c>print(d)</c>: <c>{1: '1', '2': 2, 0.25: None}</c>.</summary>
    public override string ToString() => MpRepr.Dict(Items().Select(p => new KeyValuePair<object?, object?>(p.Key, p.Value)));
}
