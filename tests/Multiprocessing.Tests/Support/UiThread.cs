using System.Collections.Concurrent;

namespace Multiprocessing.Tests.Support;

/// <summary>
/// A thread with a single-threaded <see cref="SynchronizationContext"/>, as a UI thread has: work posted
/// to it runs only when the thread is free. A blocking call made on it that needs one of its own
/// continuations to run there waits forever (the classic sync-over-async deadlock).
/// </summary>
internal sealed class UiThread : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _posted = new();

    public override void Post(SendOrPostCallback d, object? state) => _posted.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Nothing here sends to the UI thread.");

    /// <summary>Runs <paramref name="work"/> on a new UI thread; the task ends when it returns (or throws).</summary>
    public static Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new UiThread();
            SetSynchronizationContext(context);
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = "ui-thread" }; // a deadlocked one must not keep the test host alive
        thread.Start();
        return done.Task;
    }
}
