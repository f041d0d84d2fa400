using Hyperion;

namespace Multiprocessing.Values;

/// <summary>
/// What a same-host object's handle carries of its segment (<see cref="Location"/>, null for an actor-only object)
/// and this process's view of it, made on first use on the segment's host (null elsewhere) and never serialized:
/// Hyperion skips [Ignore] fields.
/// </summary>
internal sealed class SegmentView<T>(SegmentLocation? location) where T : class
{
    public SegmentLocation? Location { get; } = location;

    [Ignore] private T? _view;
    [Ignore] private bool _resolved;
    [Ignore] private object? _gate;

    /// <summary>The view, made once by <paramref name="open"/> (pass a static lambda: once made, a call allocates nothing).</summary>
    public T? Get(Func<SharedSegment, T> open) => Volatile.Read(ref _resolved) ? _view : Resolve(open);

    // Apart from Get: a lambda that captures is allocated on entry to the method that holds it, even on a path that does not use it.
    private T? Resolve(Func<SharedSegment, T> open) =>
        LazyInitializer.EnsureInitialized(ref _view, ref _resolved, ref _gate, () => Location?.OpenHere() is { } segment ? open(segment) : null);
}
