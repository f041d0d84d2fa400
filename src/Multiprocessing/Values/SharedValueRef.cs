using Akka.Actor;
using Hyperion;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Values;

/// <summary>
/// What a Value/Array handle carries from process to process: the actor holding the object and,
/// for a same-host object, its segment file and the host it is on. The backing (mapping or actor
/// requests) is made in each process on first use and never travels.
/// </summary>
internal sealed class SharedValueRef
{
    public SharedValueRef(SharedObjectAddress address, int length, bool hasLock, SegmentLocation? segment = null)
    {
        Address = address;
        Length = length;
        HasLock = hasLock;
        Segment = segment;
    }

    public SharedObjectAddress Address { get; }
    public int Length { get; }

    /// <summary>The object has Python's default lock (false: RawValue/RawArray).</summary>
    public bool HasLock { get; }

    /// <summary>This reference is the raw object (get_obj()): its reads and writes never take the lock.</summary>
    public bool Raw { get; private init; }

    /// <summary>The object's segment, for a same-host object (null: the actor alone holds it).</summary>
    public SegmentLocation? Segment { get; }

    public string? SegmentPath => Segment?.Path;

    // This process's side, never in the reference's wire form (each process maps or reaches the object its own way):
    // Hyperion skips [Ignore] fields; it does not skip [NonSerialized]. A mapping is made once (under its gate).
    [Ignore] private IValueBacking? _backing;
    [Ignore] private object? _backingGate;
    [Ignore] private ValueLock? _lock;

    public bool Locked => HasLock && !Raw;

    public SharedValueRef AsRaw() => new(Address, Length, HasLock, Segment) { Raw = true };

    /// <summary>The same object reached as <paramref name="viaActor"/> says (tests mix both paths on one object).</summary>
    public SharedValueRef WithPath(bool viaActor) => new(Address, Length, HasLock, Segment! with { ViaActor = viaActor }) { Raw = Raw };

    // The field is read first, here and at every handle's local side: the factory delegate (a method group, a lambda
    // capturing this) would otherwise be allocated on every read, and a locked increment reads it several times.
    public IValueBacking Backing => Volatile.Read(ref _backing) ?? LazyInitializer.EnsureInitialized(ref _backing, ref _backingGate, Resolve);

    /// <summary>The object's lock, one per reference in this process.</summary>
    public ValueLock Lock => Volatile.Read(ref _lock) ?? LazyInitializer.EnsureInitialized(ref _lock, () => new ValueLock(this));

    private IValueBacking Resolve() =>
        Segment?.OpenHere() is { } segment ? new SegmentValueBacking(segment) : new ActorValueBacking(Address);

    /// <summary>
    /// A new object holding <paramref name="initial"/>, owned by the process running this call: its
    /// actor stops and its segment file is removed when that process ends (handles that mapped it keep it).
    /// </summary>
    public static SharedValueRef Create<T>(NodeRuntime runtime, ReadOnlySpan<T> initial, bool hasLock, SharedObjectHome? home = null) where T : unmanaged
    {
        var bytes = Typecodes.ToBytes(initial);
        home ??= SharedObjectHomes.Default(runtime);
        var segment = home == SharedObjectHome.Actor ? null : SharedSegment.Create(bytes);
        ValueState state = segment is null ? new ValueState(bytes, hasLock) : new SegmentValueState(segment, hasLock);
        var actor = runtime.System.ActorOf(SharedObjectActor.Props(state));
        var address = new SharedObjectAddress(actor).Bind(runtime);
        var created = new SharedValueRef(address, initial.Length, hasLock,
            segment is null ? null : SegmentLocation.Here(segment, viaActor: home == SharedObjectHome.SegmentViaActor));

        Mp.CurrentProcess().Life.OnExit(() =>
        {
            if (segment is not null) actor.Tell(new SegmentValueState.CreatorEnded(0));
            actor.Tell(PoisonPill.Instance);
            segment?.Unlink();
            return Task.CompletedTask;
        });
        return created;
    }
}
