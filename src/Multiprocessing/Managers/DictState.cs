namespace Multiprocessing.Managers;

/// <summary>The state of a Manager dict: entries in insertion order (as Python's dict keeps them), keys compared by their bytes.</summary>
internal sealed class DictState : ContainerState
{
    internal sealed class Entry(byte[] key, byte[] value)
    {
        public byte[] Key { get; } = key;
        public byte[] Value { get; set; } = value;
    }

    // Removed entries leave a hole until the next compaction, so that removal keeps the order.
    private readonly List<Entry?> _entries = [];
    // A small dict keeps its holes: compacting drops the index, which the next lookup rebuilds whole.
    private const int CompactAbove = 32;
    private int _count;
    // Rebuilt where it is needed, so it never travels with the state (Hyperion skips [Ignore]; it does not skip [NonSerialized]).
    [Hyperion.Ignore] private Dictionary<PayloadKey, int>? _index;

    public DictState(IEnumerable<(byte[] Key, byte[] Value)> initial)
    {
        foreach (var (key, value) in initial) Set(key, value);
    }

    private Dictionary<PayloadKey, int> Index
    {
        get
        {
            if (_index is not null) return _index;
            _index = [];
            for (var i = 0; i < _entries.Count; i++)
                if (_entries[i] is { } e) _index[new PayloadKey(e.Key)] = i;
            return _index;
        }
    }

    protected override IReadOnlyList<byte[]> Invoke(string operation, IReadOnlyList<byte[]> args)
    {
        switch (operation)
        {
            case DictOps.GetItem: return [Find(args[0])?.Value ?? throw Missing()];
            case DictOps.Get: return Find(args[0]) is { } found ? [found.Value] : [];
            case DictOps.GetMany: return [.. args.Select(k => Find(k)?.Value ?? throw Missing())];
            case DictOps.SetItem:
                Set(args[0], args[1]);
                return [];
            case DictOps.Update:
                for (var i = 0; i + 1 < args.Count; i += 2) Set(args[i], args[i + 1]);
                return [];
            case DictOps.SetDefault:
                if (Find(args[0]) is { } existing) return [existing.Value];
                Set(args[0], args[1]);
                return [args[1]];
            case DictOps.DelItem:
                _ = Remove(args[0]) ?? throw Missing();
                return [];
            case DictOps.Pop: return Remove(args[0]) is { } popped ? [popped.Value] : [];
            case DictOps.PopItem:
                var last = _entries.LastOrDefault(e => e is not null) ?? throw new KeyNotFoundException("popitem(): dictionary is empty");
                Remove(last.Key);
                return [last.Key, last.Value];
            case DictOps.Contains: return [Codec.Bool(Find(args[0]) is not null)];
            case DictOps.Len: return [Codec.Int(_count)];
            case DictOps.Keys: return [.. Live().Select(e => e.Key)];
            case DictOps.Values: return [.. Live().Select(e => e.Value)];
            case DictOps.Items: return [.. Live().SelectMany(e => new[] { e.Key, e.Value })];
            case DictOps.Clear:
                _entries.Clear();
                _index = [];
                _count = 0;
                return [];
            default: throw Unknown(operation, "dict");
        }
    }

    protected override bool Reads(string operation) => operation is DictOps.GetItem or DictOps.Get or DictOps.GetMany or DictOps.Contains
        or DictOps.Len or DictOps.Keys or DictOps.Values or DictOps.Items;

    private static KeyNotFoundException Missing() => new("The key is not in the Manager dict.");

    private IEnumerable<Entry> Live() => _entries.OfType<Entry>();

    private Entry? Find(byte[] key) => Index.TryGetValue(new PayloadKey(key), out var i) ? _entries[i] : null;

    private void Set(byte[] key, byte[] value)
    {
        if (Find(key) is { } entry)
        {
            entry.Value = value;
            return;
        }
        Index[new PayloadKey(key)] = _entries.Count;
        _entries.Add(new Entry(key, value));
        _count++;
    }

    private Entry? Remove(byte[] key)
    {
        if (!Index.Remove(new PayloadKey(key), out var i)) return null;
        var entry = _entries[i];
        _entries[i] = null;
        _count--;
        if (_entries.Count > CompactAbove && _count < _entries.Count / 2)
        {
            _entries.RemoveAll(e => e is null);
            _index = null;
        }
        return entry;
    }
}

/// <summary>Operation names of a Manager dict (Python's method names).</summary>
internal static class DictOps
{
    public const string GetItem = "__getitem__", Get = "get", GetMany = "get_many", SetItem = "__setitem__", Update = "update",
        SetDefault = "setdefault", DelItem = "__delitem__", Pop = "pop", PopItem = "popitem", Contains = "__contains__",
        Len = "__len__", Keys = "keys", Values = "values", Items = "items", Clear = "clear";
}
