namespace Multiprocessing.Managers;

/// <summary>The state of a Manager list: serialized items; indexes may be negative, counted from the end, as in Python.</summary>
internal sealed class ListState(IEnumerable<byte[]> initial) : ContainerState
{
    private readonly List<byte[]> _items = [.. initial];

    protected override bool Reads(string operation) =>
        operation is ListOps.GetItem or ListOps.Index or ListOps.Count or ListOps.Len or ListOps.Slice;

    // Sorting compares values with the node's own comparers (a string's culture): its copy is the list as sorted here.
    protected override bool Deterministic(string operation) => operation != ListOps.Sort;

    protected override IReadOnlyList<byte[]> Invoke(string operation, IReadOnlyList<byte[]> args)
    {
        switch (operation)
        {
            case ListOps.GetItem: return [_items[At(args[0])]];
            case ListOps.SetItem:
                _items[At(args[0])] = args[1];
                return [];
            case ListOps.DelItem:
                _items.RemoveAt(At(args[0]));
                return [];
            case ListOps.Append:
                _items.Add(args[0]);
                return [];
            case ListOps.Extend:
                _items.AddRange(args);
                return [];
            case ListOps.Insert:
                // Python clamps an insertion index to the list.
                var index = Codec.Int(args[0]);
                if (index < 0) index += _items.Count;
                _items.Insert(Math.Clamp(index, 0, _items.Count), args[1]);
                return [];
            case ListOps.Pop:
                if (_items.Count == 0) throw new ArgumentOutOfRangeException(null, "pop from empty list");
                var at = At(args[0]);
                var item = _items[at];
                _items.RemoveAt(at);
                return [item];
            case ListOps.Remove:
                var found = IndexOf(args[0]);
                if (found < 0) throw new InvalidOperationException("list.remove(x): x not in list");
                _items.RemoveAt(found);
                return [];
            case ListOps.Index: return [Codec.Int(IndexOf(args[0]))];
            case ListOps.Count: return [Codec.Int(_items.Count(i => i.AsSpan().SequenceEqual(args[0])))];
            case ListOps.Len: return [Codec.Int(_items.Count)];
            case ListOps.Reverse:
                _items.Reverse();
                return [];
            case ListOps.Sort:
                // Sorting compares values: the one list operation that reads them (on the Manager's own dispatcher).
                var sorted = _items.Select(bytes => (Bytes: bytes, Value: Value(bytes))).OrderBy(p => p.Value, Comparer<object?>.Default).Select(p => p.Bytes).ToList();
                if (Codec.Bool(args[0])) sorted.Reverse();
                _items.Clear();
                _items.AddRange(sorted);
                return [];
            case ListOps.Slice:
                var (start, stop) = (Clamp(Codec.Int(args[0])), Clamp(Codec.Int(args[1])));
                return stop > start ? _items.GetRange(start, stop - start) : [];
            case ListOps.Clear:
                _items.Clear();
                return [];
            default: throw Unknown(operation, "list");
        }
    }

    private int IndexOf(byte[] item) => _items.FindIndex(i => i.AsSpan().SequenceEqual(item));

    private int At(byte[] index)
    {
        var i = Codec.Int(index);
        var at = i < 0 ? i + _items.Count : i;
        if (at < 0 || at >= _items.Count)
            throw new ArgumentOutOfRangeException(nameof(index), i, $"list index out of range (count {_items.Count})");
        return at;
    }

    // Python's slice bounds: negative from the end, clamped to the list.
    private int Clamp(int i) => Math.Clamp(i < 0 ? i + _items.Count : i, 0, _items.Count);
}

/// <summary>Operation names of a Manager list (Python's method names).</summary>
internal static class ListOps
{
    public const string GetItem = "__getitem__", SetItem = "__setitem__", DelItem = "__delitem__", Append = "append", Extend = "extend",
        Insert = "insert", Pop = "pop", Remove = "remove", Index = "index", Count = "count", Len = "__len__", Reverse = "reverse",
        Sort = "sort", Slice = "slice", Clear = "clear";
}
