namespace Multiprocessing.Values;

/// <summary>
/// The lock of a Value or Array (Python's <c>get_lock()</c>): an RLock owned by the calling thread.
/// An async acquire is owned by the thread that started it; the disposable of <see cref="HoldAsync"/>
/// releases for that owner whatever thread the continuation runs on.
/// </summary>
internal sealed class ValueLock(SharedValueRef value) : IMpLock
{
    public bool Acquire(bool block = true, TimeSpan? timeout = null) =>
        value.Backing.Acquire(Environment.CurrentManagedThreadId, block, timeout);

    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        value.Backing.AcquireAsync(Environment.CurrentManagedThreadId, true, timeout, cancellationToken);

    public void Release() => value.Backing.Release(Environment.CurrentManagedThreadId);

    public IDisposable Hold()
    {
        Acquire();
        return new Held(value.Backing, Environment.CurrentManagedThreadId);
    }

    public async Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default)
    {
        var thread = Environment.CurrentManagedThreadId;
        await value.Backing.AcquireAsync(thread, true, null, cancellationToken);
        return new Held(value.Backing, thread);
    }

    private sealed class Held(IValueBacking backing, int thread) : IDisposable, IAsyncDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) backing.Release(thread);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
