namespace Multiprocessing.Managers;

/// <summary>The state of a Manager namespace: named attributes holding serialized values.</summary>
internal sealed class NamespaceState : ContainerState
{
    private readonly Dictionary<string, byte[]> _attributes = [];

    protected override bool Reads(string operation) => operation is NamespaceOps.GetAttr or NamespaceOps.Has or NamespaceOps.Dir;

    protected override IReadOnlyList<byte[]> Invoke(string operation, IReadOnlyList<byte[]> args)
    {
        switch (operation)
        {
            case NamespaceOps.GetAttr:
                var name = Codec.Text(args[0]);
                return [_attributes.TryGetValue(name, out var value) ? value : throw Missing(name)];
            case NamespaceOps.SetAttr:
                _attributes[Codec.Text(args[0])] = args[1];
                return [];
            case NamespaceOps.DelAttr:
                var removed = Codec.Text(args[0]);
                if (!_attributes.Remove(removed)) throw Missing(removed);
                return [];
            case NamespaceOps.Has: return [Codec.Bool(_attributes.ContainsKey(Codec.Text(args[0])))];
            case NamespaceOps.Dir: return [.. _attributes.Keys.Order(StringComparer.Ordinal).Select(Codec.Text)];
            default: throw Unknown(operation, "Namespace");
        }
    }

    private static MissingMemberException Missing(string name) => new($"'Namespace' object has no attribute '{name}'");
}

internal static class NamespaceOps
{
    public const string GetAttr = "__getattr__", SetAttr = "__setattr__", DelAttr = "__delattr__", Has = "hasattr", Dir = "__dir__";
}
