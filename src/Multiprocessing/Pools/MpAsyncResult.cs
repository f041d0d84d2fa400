using System.Runtime.CompilerServices;

namespace Multiprocessing;

/// <summary>
/// Python's <c>AsyncResult</c> (what <c>apply_async</c> and <c>map_async</c> return), also awaitable.
/// The callback (or error callback) has run by the time the result is ready, as in Python; an
/// exception thrown by a callback becomes the result's exception instead of being lost.
/// </summary>
public sealed class MpAsyncResult<T>
{
    internal MpAsyncResult(Task<T> outcome, Action<T>? callback, Action<Exception>? errorCallback)
    {
        Task = callback is null && errorCallback is null ? outcome : WithCallbacks(outcome, callback, errorCallback);
    }

    /// <summary>The result as a task: faults with the exception raised in the worker.</summary>
    public Task<T> Task { get; }

    /// <summary>The result; rethrows the task's exception (with its remote stack trace). Throws <see cref="TimeoutException"/> if it is not ready within <paramref name="timeout"/>.</summary>
    public T Get(TimeSpan? timeout = null)
    {
        if (!Wait(timeout)) throw new TimeoutException($"The pool result was not ready within {timeout}.");
        return Task.GetAwaiter().GetResult();
    }

    /// <summary>The result, or <see cref="OperationCanceledException"/> if <paramref name="cancellationToken"/> fires first (the work goes on).</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken = default) => Task.WaitAsync(cancellationToken);

    /// <summary>Waits until the result is ready; false if <paramref name="timeout"/> passed first.</summary>
    public bool Wait(TimeSpan? timeout = null) => ((IAsyncResult)Task).AsyncWaitHandle.WaitOne(timeout ?? Timeout.InfiniteTimeSpan);

    /// <summary>Whether the call has completed.</summary>
    public bool Ready() => Task.IsCompleted;

    /// <summary>Whether the call completed without an exception; throws <see cref="InvalidOperationException"/> if it is not ready yet (Python's ValueError).</summary>
    public bool Successful() => Task.IsCompleted
        ? Task.IsCompletedSuccessfully
        : throw new InvalidOperationException("The pool result is not ready.");

    public TaskAwaiter<T> GetAwaiter() => Task.GetAwaiter();

    private static async Task<T> WithCallbacks(Task<T> outcome, Action<T>? callback, Action<Exception>? errorCallback)
    {
        T value;
        try
        {
            value = await outcome.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            errorCallback?.Invoke(e);
            throw;
        }
        callback?.Invoke(value);
        return value;
    }
}

/// <summary>How far a Map has come: items whose results are back, out of all items.</summary>
public readonly record struct MpPoolProgress(int Completed, int Total);
