using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Routing;
using Akka.Routing;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Pools;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Pool</c> over the worker nodes: a cluster round-robin router
/// deploys pool workers on every worker node (and on nodes that join later); a dispatcher on
/// this node hands them chunks, retries the chunks of a worker that dies, and returns results in
/// input order. Targets are static methods or lambdas whose captures serialize.
/// <para>
/// Disposal is <see cref="Close"/> then <see cref="Join"/>: everything submitted finishes (or
/// fails visibly) before the workers stop, so no submitted work is lost silently. (Python's
/// <c>with Pool()</c> terminates instead, dropping pending <c>apply_async</c> work.) Call
/// <see cref="Terminate"/> to stop at once: pending work then fails with <see cref="MpPoolException"/>.
/// </para>
/// </summary>
public sealed class MpPool : IDisposable, IAsyncDisposable
{
    // Pool() follows the cluster (routees-per-node on every worker node): the router's total must not cap it, and Akka needs a number.
    private const int RouteesWithoutCap = 100_000;

    private const int Running = 0, Closed = 1, Terminated = 2;

    private readonly NodeRuntime _runtime;
    private readonly PoolSettings _settings;
    private readonly IActorRef _dispatcher;
    private readonly IActorRef _router;
    private readonly ConcurrentDictionary<long, Task> _outstanding = new();
    private readonly ConcurrentDictionary<Task, byte> _delivering = new();
    private long _nextJob;
    private int _state;
    private int _workersStopped;

    internal MpPool(NodeRuntime runtime, int? processes, Delegate? initializer, object?[] initArgs, int? maxTasksPerChild)
    {
        if (processes is < 1) throw new ArgumentOutOfRangeException(nameof(processes), "Number of processes must be at least 1.");
        if (maxTasksPerChild is < 1) throw new ArgumentOutOfRangeException(nameof(maxTasksPerChild), "maxTasksPerChild must be a positive number or null.");
        _runtime = runtime;
        _settings = PoolSettings.From(runtime.System.Settings.Config);
        var init = initializer is null ? [] : runtime.Payloads.SerializeChecked(new PoolInitializer(initializer, initArgs), "the pool initializer");

        // Pool() follows the cluster: routees-per-node on every worker node, joiners included.
        // Pool(n) caps the total at n, spread over the nodes up now.
        var nodes = Math.Max(1, WorkerNodesUp());
        var perNode = processes is { } n ? Math.Max(_settings.RouteesPerNode, (n + nodes - 1) / nodes) : _settings.RouteesPerNode;
        Processes = processes ?? nodes * _settings.RouteesPerNode;
        var total = processes ?? RouteesWithoutCap;

        var id = runtime.Numbers.NextPool();
        _dispatcher = runtime.System.ActorOf(PoolDispatcherActor.Props(_settings), ActorNames.PoolDispatcher(id));
        runtime.Pools[_dispatcher.Path.Name] = _dispatcher;
        var router = new ClusterRouterPool(new RoundRobinPool(0),
            new ClusterRouterPoolSettings(total, perNode, allowLocalRoutees: false, useRole: _settings.WorkerRole));
        _router = runtime.System.ActorOf(PoolWorkerActor.Props(_dispatcher, init, maxTasksPerChild ?? 0).WithRouter(router), ActorNames.PoolWorkers(id));
    }

    /// <summary>The number of worker processes (Python's <c>len(pool)</c>): as asked, or routees-per-node times the worker nodes up at creation.</summary>
    public int Processes { get; }

    /// <summary>Python's <c>map</c>: <paramref name="func"/> on every item, results in input order. The first exception raised in a worker is rethrown here.</summary>
    public List<TResult> Map<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int? chunksize = null, IProgress<MpPoolProgress>? progress = null) =>
        MapAsync(func, iterable, chunksize, progress: progress).Get();

    /// <summary>
    /// Python's <c>map_async</c>. Cancelling <paramref name="cancellationToken"/> sends no more of its chunks (those running
    /// finish on their workers, their results dropped) and ends the result with <see cref="OperationCanceledException"/>.
    /// </summary>
    public MpAsyncResult<List<TResult>> MapAsync<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int? chunksize = null,
        Action<List<TResult>>? callback = null, Action<Exception>? errorCallback = null, IProgress<MpPoolProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Delivered(SubmitMap(func, iterable, chunksize, progress, cancellationToken), callback, errorCallback);

    /// <summary>Python's <c>starmap</c>: <c>func(a, b)</c> for every <c>(a, b)</c>, results in input order.</summary>
    public List<TResult> StarMap<T1, T2, TResult>(Func<T1, T2, TResult> func, IEnumerable<(T1, T2)> iterable, int? chunksize = null) =>
        Map(Spread.Of(func), iterable, chunksize);

    /// <summary>Python's <c>starmap</c> with three arguments.</summary>
    public List<TResult> StarMap<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, IEnumerable<(T1, T2, T3)> iterable, int? chunksize = null) =>
        Map(Spread.Of(func), iterable, chunksize);

    /// <summary>Python's <c>starmap_async</c>; cancellation as <see cref="MapAsync"/>.</summary>
    public MpAsyncResult<List<TResult>> StarMapAsync<T1, T2, TResult>(Func<T1, T2, TResult> func, IEnumerable<(T1, T2)> iterable, int? chunksize = null,
        Action<List<TResult>>? callback = null, Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        MapAsync(Spread.Of(func), iterable, chunksize, callback, errorCallback, cancellationToken: cancellationToken);

    /// <summary>Python's <c>starmap_async</c> with three arguments.</summary>
    public MpAsyncResult<List<TResult>> StarMapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, IEnumerable<(T1, T2, T3)> iterable, int? chunksize = null,
        Action<List<TResult>>? callback = null, Action<Exception>? errorCallback = null, CancellationToken cancellationToken = default) =>
        MapAsync(Spread.Of(func), iterable, chunksize, callback, errorCallback, cancellationToken: cancellationToken);

    /// <summary>Python's <c>apply</c>: runs <paramref name="func"/> in a worker and returns its result.</summary>
    public TResult Apply<TResult>(Func<TResult> func) => ApplyAsync(func).Get();

    /// <summary>Python's <c>apply(func, (arg,))</c>.</summary>
    public TResult Apply<T1, TResult>(Func<T1, TResult> func, T1 arg) => ApplyAsync(func, arg).Get();

    /// <summary>Python's <c>apply_async</c>. Cancelling <paramref name="cancellationToken"/> ends the result with <see cref="OperationCanceledException"/>; a task already running finishes on its worker, its result dropped.</summary>
    public MpAsyncResult<TResult> ApplyAsync<TResult>(Func<TResult> func, Action<TResult>? callback = null, Action<Exception>? errorCallback = null,
        CancellationToken cancellationToken = default) =>
        Delivered(Single(SubmitMap(Spread.Of(func), [(byte)0], 1, null, cancellationToken)), callback, errorCallback);

    /// <summary>Python's <c>apply_async(func, (arg,))</c>; cancellation as the other overload.</summary>
    public MpAsyncResult<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> func, T1 arg, Action<TResult>? callback = null, Action<Exception>? errorCallback = null,
        CancellationToken cancellationToken = default) =>
        Delivered(Single(SubmitMap(func, [arg], 1, null, cancellationToken)), callback, errorCallback);

    /// <summary>
    /// Python's <c>imap</c>: results in input order as they come. The input is read lazily, at most
    /// multiprocessing.pool.lazy-chunks-ahead chunks ahead of what was consumed, so an endless
    /// input keeps memory flat. Work starts when the enumeration starts; leaving it early cancels the rest.
    /// </summary>
    public IEnumerable<TResult> Imap<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int chunksize = 1) =>
        Stream(func, iterable, chunksize, ordered: true, CancellationToken.None).ToBlockingEnumerable();

    /// <summary>Python's <c>imap_unordered</c>: as <see cref="Imap"/>, results in completion order.</summary>
    public IEnumerable<TResult> ImapUnordered<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int chunksize = 1) =>
        Stream(func, iterable, chunksize, ordered: false, CancellationToken.None).ToBlockingEnumerable();

    /// <summary>
    /// <see cref="Imap"/> for <c>await foreach</c>: results in input order, no thread held while one is awaited.
    /// Cancelling <paramref name="cancellationToken"/> (or the one given to <c>WithCancellation</c>) stops the wait,
    /// cancels the chunks not yet run and ends the enumeration with <see cref="OperationCanceledException"/>.
    /// </summary>
    public IAsyncEnumerable<TResult> ImapAsync<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int chunksize = 1, CancellationToken cancellationToken = default) =>
        Stream(func, iterable, chunksize, ordered: true, cancellationToken);

    /// <summary><see cref="ImapUnordered"/> for <c>await foreach</c>: results in completion order; cancellation as <see cref="ImapAsync"/>.</summary>
    public IAsyncEnumerable<TResult> ImapUnorderedAsync<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int chunksize = 1, CancellationToken cancellationToken = default) =>
        Stream(func, iterable, chunksize, ordered: false, cancellationToken);

    /// <summary>Python's <c>close</c>: no more work is accepted; what was submitted still runs.</summary>
    public void Close()
    {
        Interlocked.CompareExchange(ref _state, Closed, Running);
    }

    /// <summary>Python's <c>terminate</c>: stops the workers now; pending work fails with <see cref="MpPoolException"/>.</summary>
    public void Terminate()
    {
        if (Interlocked.Exchange(ref _state, Terminated) == Terminated) return;
        try
        {
            Blocking.Wait(() => _dispatcher.Ask<Akka.Done>(new PoolDispatcherActor.Terminate("The pool was terminated before this work was done."), _runtime.Settings.AskTimeout));
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException)
        {
            // The dispatcher is gone already: nothing is pending there.
        }
        StopWorkers();
    }

    /// <summary>Python's <c>join</c>: waits for the submitted work and stops the workers; only after <see cref="Close"/> or <see cref="Terminate"/>. False if <paramref name="timeout"/> passed first.</summary>
    public bool Join(TimeSpan? timeout = null)
    {
        CheckJoinable();
        if (!Unfinished().Wait(timeout ?? Timeout.InfiniteTimeSpan)) return false;
        StopWorkers();
        return true;
    }

    /// <summary>Python's <c>join</c>, awaitable.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken = default)
    {
        CheckJoinable();
        await Unfinished().WaitAsync(cancellationToken).ConfigureAwait(false);
        StopWorkers();
    }

    /// <summary><see cref="Close"/> then <see cref="Join"/>: submitted work finishes first (see the class remarks).</summary>
    public void Dispose()
    {
        Close();
        Join();
    }

    /// <summary><see cref="Close"/> then <see cref="JoinAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await JoinAsync().ConfigureAwait(false);
    }

    /// <summary>Python's default: <c>chunksize, extra = divmod(len(iterable), len(pool) * 4); if extra: chunksize += 1</c>.</summary>
    internal static int DefaultChunkSize(int items, int processes)
    {
        var chunksize = Math.DivRem(items, processes * 4, out var extra);
        return Math.Max(1, extra > 0 ? chunksize + 1 : chunksize);
    }

    private int WorkerNodesUp() =>
        Cluster.Get(_runtime.System).State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole(_settings.WorkerRole));

    private void CheckRunning()
    {
        if (Volatile.Read(ref _state) != Running) throw new InvalidOperationException("Pool not running (it was closed or terminated).");
    }

    private void CheckJoinable()
    {
        if (Volatile.Read(ref _state) == Running) throw new InvalidOperationException("Pool is still running: call Close() or Terminate() before Join().");
    }

    private void StopWorkers()
    {
        if (Interlocked.Exchange(ref _workersStopped, 1) == 1) return;
        _runtime.Pools.TryRemove(_dispatcher.Path.Name, out _);
        _runtime.System.Stop(_router);
        _runtime.System.Stop(_dispatcher);
    }

    private PoolJob NewJob<T, TResult>(Func<T, TResult> func, IPoolJobSink sink)
    {
        ArgumentNullException.ThrowIfNull(func);
        if (func.GetInvocationList().Length != 1)
            throw new ArgumentException("A pool function must be a single method, not a multicast delegate.", nameof(func));
        var target = _runtime.Payloads.SerializeChecked(new MapTarget<T, TResult>(func), "the pool's function");
        return new PoolJob(Interlocked.Increment(ref _nextJob), target, sink);
    }

    // One payload per chunk; the first chunk a worker gets carries the target too, so both must fit the payload limit.
    private byte[] SerializeChunk<T>(T[] items, int chunk, byte[] target)
    {
        var bytes = ChunkCodec<T>.Encode(items, _runtime.Payloads, $"chunk {chunk} of the pool's input");
        if (bytes.LongLength + target.LongLength > _runtime.Payloads.MaximumPayloadSize)
            throw new MpSerializationException(
                $"Chunk {chunk} of the pool's input ({items.Length} items, {bytes.LongLength:N0} bytes) with the function ({target.LongLength:N0} bytes) " +
                $"is over the maximum of {_runtime.Payloads.MaximumPayloadSize:N0} (multiprocessing.payloads.maximum-size): use a smaller chunksize.");
        return bytes;
    }

    private Task<List<TResult>> SubmitMap<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int? chunksize, IProgress<MpPoolProgress>? progress,
        CancellationToken cancellationToken)
    {
        CheckRunning();
        ArgumentNullException.ThrowIfNull(iterable);
        if (chunksize is < 1) throw new ArgumentOutOfRangeException(nameof(chunksize), "chunksize must be at least 1.");
        var items = iterable as T[] ?? [.. iterable];
        var size = chunksize ?? DefaultChunkSize(items.Length, Processes);
        var chunks = (items.Length + size - 1) / size;
        var sink = new MapSink(chunks, items.Length, size, progress);
        var job = NewJob(func, sink);
        var input = new List<(int Chunk, byte[] Items)>(chunks);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * size;
            input.Add((chunk, SerializeChunk(items[start..Math.Min(items.Length, start + size)], chunk, job.Target)));
        }
        Track(job, sink.Chunks);
        _dispatcher.Tell(new PoolDispatcherActor.Submit(job, input, chunks));
        // After Submit: the Cancel that Track sends for a cancelled job then reaches the dispatcher after it.
        if (cancellationToken.CanBeCanceled)
        {
            var cancelled = cancellationToken.Register(() => sink.Cancelled(cancellationToken));
            sink.Chunks.ContinueWith(_ => cancelled.Dispose(), TaskScheduler.Default);
        }
        return Assemble<TResult>(sink.Chunks, items.Length);
    }

    private async Task<List<TResult>> Assemble<TResult>(Task<byte[][]> chunks, int count)
    {
        var parts = await chunks.ConfigureAwait(false);
        var results = new List<TResult>(count);
        foreach (var part in parts) results.AddRange(ChunkCodec<TResult>.Decode(part, _runtime.Payloads, "pool results"));
        return results;
    }

    private static async Task<TResult> Single<TResult>(Task<List<TResult>> results) => (await results.ConfigureAwait(false))[0];

    // What Join waits for: every job's chunks, and every result handed out, ready with its callbacks run (Python's join
    // waits for its result handler): a result's task completes after its job's chunks do, on another thread.
    private Task Unfinished() =>
        Task.WhenAll(_outstanding.Values.Concat(_delivering.Keys)).ContinueWith(_ => { }, TaskScheduler.Default);

    private MpAsyncResult<T> Delivered<T>(Task<T> outcome, Action<T>? callback, Action<Exception>? errorCallback)
    {
        var result = new MpAsyncResult<T>(outcome, callback, errorCallback);
        _delivering[result.Task] = 0;
        result.Task.ContinueWith(t => _delivering.TryRemove(t, out _), TaskScheduler.Default);
        return result;
    }

    // Join waits for it; a failed job stops sending its remaining chunks.
    private void Track(PoolJob job, Task outcome)
    {
        _outstanding[job.Id] = outcome;
        outcome.ContinueWith(t =>
        {
            _outstanding.TryRemove(job.Id, out _);
            if (!t.IsCompletedSuccessfully) _dispatcher.Tell(new PoolDispatcherActor.Cancel(job.Id));
        }, TaskScheduler.Default);
    }

    // Checks the arguments at the call; the work starts when the enumeration does. Imap enumerates it blocking.
    private IAsyncEnumerable<TResult> Stream<T, TResult>(Func<T, TResult> func, IEnumerable<T> iterable, int chunksize, bool ordered, CancellationToken cancellationToken)
    {
        CheckRunning();
        ArgumentNullException.ThrowIfNull(iterable);
        if (chunksize < 1) throw new ArgumentOutOfRangeException(nameof(chunksize), "chunksize must be at least 1.");
        var sink = new StreamSink();
        var job = NewJob(func, sink);
        var stream = new PoolStream<T, TResult>(job, sink, _dispatcher, _runtime.Payloads, _settings.LazyChunksAhead, SerializeChunk, Track);
        return stream.Consume(iterable, chunksize, ordered, cancellationToken);
    }
}
