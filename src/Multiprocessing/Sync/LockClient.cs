using Hyperion;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;
using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>
/// What a Lock or RLock handle carries from process to process, and its calls (also a Condition's on its lock):
/// the actor holding the lock and, for a same-host lock, its segment file and the host it is on. Each process
/// reaches the lock its own way (<see cref="ILockCore"/>), chosen on first use and never serialized. A Hold
/// remembers the thread that acquired, so it releases as the owner even when an await moved it to another thread.
/// </summary>
internal sealed class LockClient : IMpLock
{
    public LockClient(SharedObjectAddress address, bool reentrant, SegmentLocation? segment = null)
    {
        Address = address;
        Reentrant = reentrant;
        Segment = segment;
    }

    public SharedObjectAddress Address { get; }
    public bool Reentrant { get; }

    /// <summary>The lock's word, for a same-host lock (null: the actor alone holds the lock).</summary>
    public SegmentLocation? Segment { get; }

    // This process's way to the lock: Hyperion skips [Ignore] fields. Made once (under its gate); the field is read
    // first so that no factory delegate is allocated on every call.
    [Ignore] private ILockCore? _core;
    [Ignore] private object? _coreGate;

    public ILockCore Core => Volatile.Read(ref _core) ?? LazyInitializer.EnsureInitialized(ref _core, ref _coreGate, Resolve);

    /// <summary>A new Lock or RLock of <paramref name="runtime"/>'s current process, held as <paramref name="home"/> says (config by default).</summary>
    public static LockClient Create(NodeRuntime runtime, bool reentrant, SharedObjectHome? home = null)
    {
        home ??= SharedObjectHomes.Default(runtime);
        if (home == SharedObjectHome.Actor) return new LockClient(SyncCalls.Host(runtime, new LockState(reentrant)), reentrant);
        var segment = SyncSegments.Create([]);
        var address = SyncCalls.Host(runtime, new SegmentLockState(segment, reentrant));
        return new LockClient(address, reentrant, SegmentLocation.Here(segment, viaActor: home == SharedObjectHome.SegmentViaActor));
    }

    /// <summary>The same lock reached as <paramref name="viaActor"/> says (tests mix both paths on one lock).</summary>
    public LockClient WithPath(bool viaActor) => new(Address, Reentrant, Segment! with { ViaActor = viaActor });

    private ILockCore Resolve() =>
        Segment?.OpenHere() is { } segment ? new SegmentLockCore(segment, Reentrant) : new ActorLockCore(Address);

    public bool Acquire(bool block = true, TimeSpan? timeout = null) => Core.Acquire(block, timeout, SyncCalls.CurrentThread);

    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Core.AcquireAsync(true, timeout, SyncCalls.CurrentThread, 1, cancellationToken);

    public void Release() => Core.Release(SyncCalls.CurrentThread);

    public IDisposable Hold()
    {
        var thread = SyncCalls.CurrentThread;
        Core.Acquire(true, null, thread);
        return new Releaser(() => Core.ReleaseAsync(thread, false));
    }

    public async Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default)
    {
        var thread = SyncCalls.CurrentThread;
        await Core.AcquireAsync(true, null, thread, 1, cancellationToken);
        return new Releaser(() => Core.ReleaseAsync(thread, false));
    }
}
