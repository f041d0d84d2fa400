using System.Collections.Concurrent;
using Multiprocessing.Managers;
using Multiprocessing.Processes;
using Multiprocessing.Queues;
using Multiprocessing.Sync;
using Multiprocessing.Values;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;
using Akka.Actor;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Manager()</c>: shared objects hosted by the cluster, reached through
/// proxies that any process can use. Each object is an entity of Akka.Cluster.Sharding on a worker
/// node; its state moves with it when workers join or leave. Create it on the coordinator with
/// <c>await using var manager = await mp.ManagerAsync();</c>; disposing it ends its objects (a proxy
/// used afterwards throws <see cref="ObjectDisposedException"/>), as does the coordinator's exit.
/// </summary>
public sealed class MpManager : IAsyncDisposable
{
    private readonly NodeRuntime _runtime;
    private readonly ManagerHub _hub;
    private readonly string _id;
    private readonly ConcurrentDictionary<Type, Func<object>> _registered = new();
    private long _nextObject;
    private int _disposed;

    private readonly bool _replicated;

    private MpManager(NodeRuntime runtime, bool replicated)
    {
        _runtime = runtime;
        _replicated = replicated;
        _hub = runtime.Managers;
        _id = $"m{runtime.Numbers.NextManager()}";
    }

    internal static async Task<MpManager> StartAsync(MpContext context, int? replicas, CancellationToken cancellationToken)
    {
        if (context.Coordinator is null) throw new InvalidOperationException("A Manager is started by the coordinator's context (its objects live on the worker nodes).");
        replicas ??= context.Runtime.Settings.ManagerReplicas;
        if (replicas is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(replicas), replicas, "0 (objects are lost with their node) or 1 (a copy on the coordinator).");
        // Objects live on worker nodes: there must be one to host them.
        await context.WaitForWorkersAsync(1, null, cancellationToken);
        var manager = new MpManager(context.Runtime, replicated: replicas == 1);
        var self = new WeakReference<MpManager>(manager);
        DefaultRuntime.MainProcess.Life.OnExit(() => self.TryGetTarget(out var m) ? m.DisposeAsync().AsTask() : Task.CompletedTask);
        return manager;
    }

    /// <summary>Python's <c>manager.dict()</c>, with optional initial pairs.</summary>
    public MpDict<TKey, TValue> Dict<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>>? items = null) where TKey : notnull =>
        new(NewObject(new DictState((items ?? []).Select(p => (Bytes(p.Key), Bytes(p.Value))).ToList())));

    /// <summary>Python's <c>manager.list()</c>, with optional initial items.</summary>
    public MpList<T> List<T>(IEnumerable<T>? items = null) => new(NewObject(new ListState((items ?? []).Select(Bytes).ToList())));

    /// <summary>Python's <c>manager.Namespace()</c>.</summary>
    public MpNamespace Namespace() => new(NewObject(new NamespaceState()));

    /// <summary>Python's <c>manager.Queue(maxsize)</c>: the same handle as <c>mp.Queue()</c>, its queue hosted by the Manager.</summary>
    public MpQueue<T> Queue<T>(int maxSize = 0) => new(NewObject(new QueueState(Math.Max(0, maxSize))), Math.Max(0, maxSize), _runtime);

    /// <summary>Python's <c>manager.JoinableQueue(maxsize)</c>; <paramref name="redeliverUnfinished"/> as <see cref="MpContext.JoinableQueue{T}"/>.</summary>
    public MpJoinableQueue<T> JoinableQueue<T>(int maxSize = 0, bool redeliverUnfinished = false) =>
        new(NewObject(new QueueState(Math.Max(0, maxSize), redeliverUnfinished)), Math.Max(0, maxSize), _runtime);

    /// <summary>Python's <c>manager.Value(typecode, value)</c>: the same handle as <c>mp.Value()</c>, its state hosted by the Manager.</summary>
    public MpValue<T> Value<T>(T initial, bool @lock = true) where T : unmanaged => new(NewObject(ValueState.Of<T>([initial], @lock)), @lock);

    /// <summary>Python's <c>manager.Array(typecode, sequence)</c>.</summary>
    public MpArray<T> Array<T>(IEnumerable<T> initial, bool @lock = true) where T : unmanaged
    {
        T[] items = [.. initial];
        return new(NewObject(ValueState.Of<T>(items, @lock)), items.Length, @lock);
    }

    /// <summary>Python's <c>manager.Array(typecode, size)</c>: <paramref name="size"/> zeros.</summary>
    public MpArray<T> Array<T>(int size, bool @lock = true) where T : unmanaged => Array(new T[size], @lock);

    // Synchronisation primitives: the same handles as mp.Lock()..., their states hosted by the Manager.
    /// <summary>Python's <c>manager.Lock()</c>.</summary>
    public MpLock Lock() => new(NewObject(new LockState(reentrant: false)));

    /// <summary>Python's <c>manager.RLock()</c>.</summary>
    public MpRLock RLock() => new(NewObject(new LockState(reentrant: true)));

    /// <summary>Python's <c>manager.Semaphore(value)</c>.</summary>
    public MpSemaphore Semaphore(int value = 1) => new(NewObject(new SemaphoreState(value, bounded: false)));

    /// <summary>Python's <c>manager.BoundedSemaphore(value)</c>.</summary>
    public MpBoundedSemaphore BoundedSemaphore(int value = 1) => new(NewObject(new SemaphoreState(value, bounded: true)));

    /// <summary>Python's <c>manager.Event()</c>.</summary>
    public MpEvent Event() => new(NewObject(new EventState()));

    /// <summary>Python's <c>manager.Condition(lock)</c>: over <paramref name="lock"/>, or a new RLock of this Manager.</summary>
    public MpCondition Condition(IMpLock? @lock = null) => new(NewObject(new ConditionState()), @lock ?? RLock());

    /// <summary>Python's <c>manager.Barrier(parties, action, timeout)</c>.</summary>
    public MpBarrier Barrier(int parties, Action? action = null, TimeSpan? timeout = null) =>
        new(NewObject(new BarrierState(parties)), parties, action, timeout);

    /// <summary>Python's <c>BaseManager.register(typeid, callable)</c>: <see cref="Create{T}()"/> makes a <typeparamref name="T"/> with <paramref name="factory"/>.</summary>
    public void Register<T>(Func<T> factory) where T : class => _registered[typeof(T)] = factory;

    /// <summary>A new instance of a registered type, hosted by the Manager; it must serialize (it moves with its shard).</summary>
    public MpProxy<T> Create<T>() where T : class =>
        _registered.TryGetValue(typeof(T), out var factory)
            ? Create((T)factory())
            : throw new InvalidOperationException($"{typeof(T)} is not registered with this Manager (Register<{typeof(T).Name}>(factory)).");

    /// <summary>Hosts <paramref name="instance"/> (a copy of it) in the Manager.</summary>
    public MpProxy<T> Create<T>(T instance) where T : class => new(NewObject(new RegisteredState(instance)));

    /// <summary>
    /// Starts an object of this Manager from <paramref name="initial"/>: the handle is usable at once
    /// (the entity starts with its first request and fetches its state from the keeper).
    /// </summary>
    internal SharedObjectAddress NewObject(SharedState initial)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var entityId = $"{_id}/{Interlocked.Increment(ref _nextObject)}";
        var state = _runtime.Payloads.SerializeChecked(initial, "the initial state of a Manager object");
        _hub.Keeper.Tell(new ManagerKeeperActor.Keep(entityId, state, _replicated));
        return new SharedObjectAddress(_hub.Region, entityId).Bind(_runtime);
    }

    /// <summary>Ends every object of this Manager: what waits on one is answered <see cref="ObjectDisposedException"/>, and so is any later use.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _hub.Keeper.Ask<ManagerKeeperActor.ManagerDisposed>(new ManagerKeeperActor.DisposeManager(_id), _runtime.Settings.AskTimeout);
    }

    private byte[] Bytes<T>(T value) => _runtime.Payloads.SerializeItem(value, "a Manager object's initial value");
}
