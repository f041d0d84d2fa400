using System.Dynamic;
using Multiprocessing.Managers;
using Multiprocessing.Shared;

namespace Multiprocessing;

/// <summary>
/// Python's <c>manager.Namespace()</c> proxy: named attributes held by the Manager. Typed
/// (<c>ns.Set("x", 1); ns.Get&lt;int&gt;("x")</c>) or dynamic (<c>dynamic ns = manager.Namespace(); ns.x = 1;</c>).
/// A missing attribute throws <see cref="MissingMemberException"/> (Python's AttributeError).
/// </summary>
public sealed class MpNamespace : DynamicObject
{
    private readonly ObjectChannel _channel;

    internal MpNamespace(SharedObjectAddress address) => _channel = new ObjectChannel(address);

    /// <summary>
    /// The attribute <paramref name="name"/>: the value as it was stored (its type travels with it), cast to
    /// <typeparamref name="T"/>. <c>Get&lt;object?&gt;</c> reads anything; another type than the stored one throws
    /// <see cref="InvalidCastException"/>; a missing name, <see cref="MissingMemberException"/>.
    /// </summary>
    public T Get<T>(string name) => _channel.Value<T>(_channel.Call(NamespaceOps.GetAttr, Codec.Text(name))[0]);

    public void Set<T>(string name, T value) => _channel.Call(NamespaceOps.SetAttr, Codec.Text(name), _channel.Bytes(value));

    public bool Has(string name) => Codec.Bool(_channel.Call(NamespaceOps.Has, Codec.Text(name))[0]);

    public void Delete(string name) => _channel.Call(NamespaceOps.DelAttr, Codec.Text(name));

    /// <summary>The attribute names, sorted.</summary>
    public IReadOnlyList<string> Names() => [.. _channel.Call(NamespaceOps.Dir).Select(Codec.Text)];

    public override bool TryGetMember(GetMemberBinder binder, out object? result)
    {
        result = Get<object?>(binder.Name);
        return true;
    }

    public override bool TrySetMember(SetMemberBinder binder, object? value)
    {
        Set(binder.Name, value);
        return true;
    }

    public override IEnumerable<string> GetDynamicMemberNames() => Names();

    /// <summary>Python's <c>print(ns)</c>: <c>Namespace(a=1, b='x')</c>.</summary>
    public override string ToString() => "Namespace(" + string.Join(", ", Names().Select(n => $"{n}={MpRepr.Of(Get<object?>(n))}")) + ")";
}
