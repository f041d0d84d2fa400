using System.Runtime.CompilerServices;
using Multiprocessing.Hosting;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// A running multiprocessing cluster as seen from this node, and the factory of its objects
/// (Python's context object: <c>mp.get_context('spawn').Process(...)</c>). The coordinator's
/// context comes from <see cref="Mp.StartAsync"/>; disposing it joins the non-daemonic
/// children, terminates the daemonic ones and shuts every worker down.
/// </summary>
public sealed class MpContext : IAsyncDisposable
{
    internal MpContext(NodeRuntime runtime, MpStartMethod startMethod)
    {
        Runtime = runtime;
        StartMethod = startMethod;
    }

    internal NodeRuntime Runtime { get; }

    internal CoordinatorHost? Coordinator { get; set; }

    /// <summary>The coordinator's address: what a worker on another host is given as <c>--seed</c>.</summary>
    public string Address => Coordinator?.Address ?? throw new InvalidOperationException("Only the coordinator's context knows the seed address.");

    /// <summary>Waits until at least <paramref name="count"/> worker nodes are Up: local ones, and those started by hand with <c>WorkerNode --seed</c>.</summary>
    public Task WaitForWorkersAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Coordinator?.WaitForWorkersAsync(count, timeout ?? Runtime.Settings.WorkerReadyTimeout, cancellationToken)
        ?? throw new InvalidOperationException("Only the coordinator's context tracks the workers.");

    /// <summary>Waits until the pre-started spawn hosts (multiprocessing.spawn.spares) are ready, and connected to the cluster where they connect ahead (spawn.connect-ahead-after), so the next spawns start warm.</summary>
    public Task WaitForSpawnSparesAsync(CancellationToken cancellationToken = default) =>
        Coordinator?.WaitForSpawnSparesAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// A snapshot of the cluster (nodes with pid, CPU and memory, the processes this coordinator started
    /// that are running, its pools' progress): <see cref="MpStatus"/>. Coordinator only.
    /// </summary>
    public Task<MpStatus> StatusAsync(CancellationToken cancellationToken = default) =>
        Coordinator?.StatusAsync(cancellationToken) ?? throw new InvalidOperationException("Only the coordinator's context can take the cluster's status.");

    /// <summary><see cref="StatusAsync"/>, blocking.</summary>
    public MpStatus Status() => Blocking.Wait(() => StatusAsync());

    /// <summary>How processes created through this context start.</summary>
    public MpStartMethod StartMethod { get; }

    /// <summary>The same cluster with another start method (Python's <c>get_context(method)</c>).</summary>
    public MpContext GetContext(MpStartMethod method) =>
        method == StartMethod ? this : new MpContext(Runtime, method) { Coordinator = Coordinator };

    // Python's Process(target=, args=, name=, daemon=): name null keeps Process-N, daemon null inherits the
    // creating process's flag. Each overload's priority is its argument count: where a method group fits
    // two of them (Console.WriteLine, "x"), the string stays an argument, as before name existed.
    /// <summary>Python's <c>Process(target=target, name=name, daemon=daemon)</c>: <paramref name="name"/> and <paramref name="daemon"/> as setting <see cref="MpProcess.Name"/> and <see cref="MpProcess.Daemon"/> before <see cref="MpProcess.Start"/>.</summary>
    public MpProcess Process(Action target, string? name = null, bool? daemon = null) => Create(target, name, daemon);
    /// <summary>Python's <c>Process(target=target, args=(arg1,), name=name, daemon=daemon)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public MpProcess Process<T1>(Action<T1> target, T1 arg1, string? name = null, bool? daemon = null) => Create(target, name, daemon, arg1);
    [OverloadResolutionPriority(2)]
    public MpProcess Process<T1, T2>(Action<T1, T2> target, T1 arg1, T2 arg2, string? name = null, bool? daemon = null) => Create(target, name, daemon, arg1, arg2);
    [OverloadResolutionPriority(3)]
    public MpProcess Process<T1, T2, T3>(Action<T1, T2, T3> target, T1 arg1, T2 arg2, T3 arg3, string? name = null, bool? daemon = null) =>
        Create(target, name, daemon, arg1, arg2, arg3);
    [OverloadResolutionPriority(4)]
    public MpProcess Process<T1, T2, T3, T4>(Action<T1, T2, T3, T4> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4, string? name = null, bool? daemon = null) =>
        Create(target, name, daemon, arg1, arg2, arg3, arg4);
    /// <summary>An async target: the process ends when its task does.</summary>
    public MpProcess Process(Func<Task> target, string? name = null, bool? daemon = null) => Create(target, name, daemon);
    [OverloadResolutionPriority(1)]
    public MpProcess Process<T1>(Func<T1, Task> target, T1 arg1, string? name = null, bool? daemon = null) => Create(target, name, daemon, arg1);
    [OverloadResolutionPriority(2)]
    public MpProcess Process<T1, T2>(Func<T1, T2, Task> target, T1 arg1, T2 arg2, string? name = null, bool? daemon = null) => Create(target, name, daemon, arg1, arg2);

    /// <summary>Python's <c>Queue(maxsize)</c>: 0 (or less) for an unbounded queue. It lives in this process.</summary>
    public MpQueue<T> Queue<T>(int maxSize = 0) => new(NewQueueActor("Queue", maxSize), Math.Max(0, maxSize), Runtime);

    /// <summary>Python's <c>SimpleQueue()</c>.</summary>
    public MpSimpleQueue<T> SimpleQueue<T>() => new(NewQueueActor("SimpleQueue", 0), Runtime);

    /// <summary>
    /// Python's <c>JoinableQueue(maxsize)</c>. Beyond Python, with <paramref name="redeliverUnfinished"/> an item whose
    /// consumer process ends (or dies) after receiving it but before its <c>TaskDone</c> goes back to the queue for
    /// another consumer, as a broker's unacknowledged message: such an item may be processed twice.
    /// </summary>
    public MpJoinableQueue<T> JoinableQueue<T>(int maxSize = 0, bool redeliverUnfinished = false) =>
        new(NewQueueActor("JoinableQueue", maxSize, redeliverUnfinished), Math.Max(0, maxSize), Runtime);

    /// <summary>Python's <c>Pipe(duplex)</c>: two connected ends; with <paramref name="duplex"/> false, (reader, writer).</summary>
    public (MpConnection<T> First, MpConnection<T> Second) Pipe<T>(bool duplex = true)
    {
        var (first, second) = Pipes.ConnectionEnd.NewPipe(Runtime);
        return (new MpConnection<T>(first, readable: true, writable: duplex), new MpConnection<T>(second, readable: duplex, writable: true));
    }

    // Synchronisation primitives (Sync/): each state lives in an actor of this process and, for Lock, RLock, Semaphore and
    // Event, in shared memory on this host (the actor serves other hosts over the same memory); the handles travel.
    /// <summary>Python's <c>Lock()</c>.</summary>
    public MpLock Lock() => new(Sync.LockClient.Create(Runtime, reentrant: false));
    /// <summary>Python's <c>RLock()</c>.</summary>
    public MpRLock RLock() => new(Sync.LockClient.Create(Runtime, reentrant: true));
    /// <summary>Python's <c>Semaphore(value)</c>.</summary>
    public MpSemaphore Semaphore(int value = 1)
    {
        var (address, segment) = MpSemaphore.Create(Runtime, value, bounded: false);
        return new MpSemaphore(address, segment);
    }
    /// <summary>Python's <c>BoundedSemaphore(value)</c>.</summary>
    public MpBoundedSemaphore BoundedSemaphore(int value = 1)
    {
        var (address, segment) = MpSemaphore.Create(Runtime, value, bounded: true);
        return new MpBoundedSemaphore(address, segment);
    }
    /// <summary>Python's <c>Event()</c>.</summary>
    public MpEvent Event() => MpEvent.Create(Runtime);
    /// <summary>Python's <c>Condition(lock)</c>: over <paramref name="lock"/> (an MpLock or MpRLock), or a new RLock.</summary>
    public MpCondition Condition(IMpLock? @lock = null) => new(Sync.SyncCalls.Host(Runtime, new Sync.ConditionState()), @lock ?? RLock());
    /// <summary>Python's <c>Barrier(parties, action, timeout)</c>: <paramref name="action"/> runs in the process of each round's last arrival.</summary>
    public MpBarrier Barrier(int parties, Action? action = null, TimeSpan? timeout = null) =>
        new(Sync.SyncCalls.Host(Runtime, new Sync.BarrierState(parties)), parties, action, timeout);

    /// <summary>
    /// Python's <c>Pool(processes, initializer, initargs, maxtasksperchild)</c> over the worker nodes; <c>await using var pool = mp.Pool();</c>.
    /// <paramref name="maxTasksPerChild"/> chunks (Python's tasks) after which a pool worker is renewed: a fresh thread and
    /// <c>PoolWorker-N</c> name, the initializer run again; not the worker node's OS process (see the README).
    /// </summary>
    public MpPool Pool(int? processes = null, Action? initializer = null, int? maxTasksPerChild = null) => new(Runtime, processes, initializer, [], maxTasksPerChild);

    /// <summary>A pool whose workers each run <c>initializer(initArg)</c> first.</summary>
    public MpPool Pool<T1>(int? processes, Action<T1> initializer, T1 initArg, int? maxTasksPerChild = null) => new(Runtime, processes, initializer, [initArg], maxTasksPerChild);
    public MpPool Pool<T1, T2>(int? processes, Action<T1, T2> initializer, T1 initArg1, T2 initArg2, int? maxTasksPerChild = null) => new(Runtime, processes, initializer, [initArg1, initArg2], maxTasksPerChild);

    // Value and Array (notebook 4.1): shared memory on this host, the creating process's actor from others.
    /// <summary>Python's <c>Value(typecode, initial, lock=True)</c>; <paramref name="lock"/> false is RawValue. Owned by the calling process.</summary>
    public MpValue<T> Value<T>(T initial, bool @lock = true) where T : unmanaged =>
        new(Values.SharedValueRef.Create<T>(Runtime, [initial], @lock));

    /// <summary>Python's <c>Array(typecode, initializer, lock=True)</c>: the elements of <paramref name="initial"/>.</summary>
    public MpArray<T> Array<T>(IEnumerable<T> initial, bool @lock = true) where T : unmanaged =>
        new(Values.SharedValueRef.Create<T>(Runtime, [.. initial], @lock));

    /// <summary>Python's <c>Array(typecode, size)</c>: <paramref name="size"/> zeros.</summary>
    public MpArray<T> Array<T>(int size, bool @lock = true) where T : unmanaged =>
        new(Values.SharedValueRef.Create<T>(Runtime, new T[size], @lock));

    // shared_memory (notebook 4.3): named blocks of this host's memory, no actor involved. The constructors are the same
    // calls and need no cluster (a spawned child that attaches by name does not connect to it).
    /// <summary>Python's <c>SharedMemory(name, create, size)</c>: a new block (<paramref name="create"/>), or the existing block <paramref name="name"/>.</summary>
    public MpSharedMemory SharedMemory(string? name = null, bool create = false, int size = 0) => new(name, create, size);

    /// <summary>Python's <c>ShareableList(sequence, name=name)</c>: a new list of <paramref name="sequence"/>, or the existing list <paramref name="name"/>.</summary>
    public MpShareableList ShareableList(IEnumerable<object?>? sequence = null, string? name = null) => new(sequence, name);

    /// <summary>Python's <c>SharedMemoryManager()</c>: what it makes is unlinked when it is disposed or this process ends.</summary>
    public MpSharedMemoryManager SharedMemoryManager() => new();

    /// <summary>Python's <c>Manager()</c>: shared objects (dict, list, Namespace...) hosted on the worker nodes, reached through proxies. Coordinator only.</summary>
    /// <remarks>Each object is replicated as <c>multiprocessing.manager.replicas</c> says (1 by default: it survives the loss of its worker node).</remarks>
    public Task<MpManager> ManagerAsync(CancellationToken cancellationToken = default) => MpManager.StartAsync(this, null, cancellationToken);

    /// <summary>
    /// <see cref="ManagerAsync(CancellationToken)"/> with <paramref name="replicas"/> copies of each object: 1 keeps a copy on the
    /// coordinator, updated before each operation is acknowledged, so objects survive SIGKILL of the worker node that holds them;
    /// 0 keeps none (faster writes; a killed worker's objects are lost).
    /// </summary>
    public Task<MpManager> ManagerAsync(int replicas, CancellationToken cancellationToken = default) => MpManager.StartAsync(this, replicas, cancellationToken);

    /// <summary>Binds a subclass instance (one that overrides <see cref="MpProcess.Run"/>) to this context and its start method.</summary>
    public T Bind<T>(T process) where T : MpProcess
    {
        process.Bind(this, StartMethod);
        return process;
    }

    public ValueTask DisposeAsync() => Coordinator?.DisposeAsync() ?? ValueTask.CompletedTask;

    private Shared.SharedObjectAddress NewQueueActor(string kind, int maxSize, bool redeliverUnfinished = false)
    {
        var actor = Runtime.System.ActorOf(Queues.QueueActor.Props(maxSize, redeliverUnfinished));
        Runtime.Queues.Add(kind, Math.Max(0, maxSize), actor);
        return new Shared.SharedObjectAddress(actor).Bind(Runtime);
    }

    private MpProcess Create(Delegate target, string? name, bool? daemon, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.GetInvocationList().Length != 1)
            throw new ArgumentException("A process target must be a single method, not a multicast delegate.", nameof(target));
        var process = Bind(new MpProcess(target, args));
        if (name is not null) process.Name = name;
        if (daemon is { } flag) process.Daemon = flag;
        return process;
    }
}
