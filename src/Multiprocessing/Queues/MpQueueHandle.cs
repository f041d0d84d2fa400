using Hyperion;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Queues;

/// <summary>
/// What every queue handle is: the queue's address (an actor, or a Manager's entity) (so a handle is a value that can be
/// passed to a process or sent through another queue) and the calls all of Python's queues have.
/// Disposing is <see cref="Close"/>. A get returns what was put: null where a null was put (Python's None).
/// </summary>
public abstract class MpQueueHandle<T> : IDisposable, IAsyncDisposable
{
    private readonly SharedObjectAddress _queue;
    private readonly int _maxSize;

    // This process's side, which never travels (Hyperion skips [Ignore] fields; it does not skip [NonSerialized]).
    [Ignore] private QueueEnd? _end;

    private protected MpQueueHandle(SharedObjectAddress queue, int maxSize, NodeRuntime runtime)
    {
        _queue = queue;
        _maxSize = maxSize;
        _end = new QueueEnd(queue, maxSize, runtime);
    }

    /// <summary>This handle's side in this process: bound to the runtime where it was created, else (a handle that travelled here) to this process's.</summary>
    private protected QueueEnd End => Volatile.Read(ref _end) ?? LazyInitializer.EnsureInitialized(ref _end, () => new QueueEnd(_queue, _maxSize, null));

    private protected int Bound => _maxSize;

    /// <summary>Puts <paramref name="item"/>; throws <see cref="MpSerializationException"/> here if it cannot travel.</summary>
    public void Put(T item) => Blocking.Wait((End, Item: End.Serialize(item)), static put => put.End.PutAsync(put.Item, true, null, CancellationToken.None));

    /// <summary>Puts <paramref name="item"/>, waiting for room in a bounded queue until cancelled.</summary>
    public Task PutAsync(T item, CancellationToken cancellationToken = default) =>
        End.PutAsync(End.Serialize(item), true, null, cancellationToken);

    /// <summary>Removes and returns the next item, waiting for one.</summary>
    public T? Get() => End.Deserialize<T>(Blocking.Wait(End, static end => end.GetAsync(true, null, CancellationToken.None)));

    /// <summary>Removes and returns the next item, waiting until cancelled (<see cref="OperationCanceledException"/>, nothing taken).</summary>
    public async Task<T?> GetAsync(CancellationToken cancellationToken = default) =>
        End.Deserialize<T>(await End.GetAsync(true, null, cancellationToken));

    /// <summary>True if the queue holds no item (this handle's own puts counted once they landed). Like Python's, a snapshot.</summary>
    public bool Empty() => Blocking.Wait(() => End.StatusAsync(CancellationToken.None)).Count == 0;

    /// <summary>How many gets wait at the queue now (what a test needs to know before it kills a waiting consumer).</summary>
    internal async Task<int> WaitingConsumersAsync() => (await End.StatusAsync(CancellationToken.None)).WaitingConsumers;

    /// <summary>How many puts wait for room at the queue now (what a test needs to know to see a put blocked).</summary>
    internal async Task<int> WaitingProducersAsync() => (await End.StatusAsync(CancellationToken.None)).WaitingProducers;

    /// <summary>
    /// No more puts or gets through this handle in this process (they throw <see cref="InvalidOperationException"/>);
    /// what was put is still delivered, and what it was lent and did not hand out goes back to the queue. Idempotent.
    /// </summary>
    public void Close() => Blocking.Wait(End.CloseAsync);

    /// <summary><see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary><see cref="Close"/>, without holding a thread while the queue confirms what went back.</summary>
    public ValueTask DisposeAsync() => new(End.CloseAsync());
}
