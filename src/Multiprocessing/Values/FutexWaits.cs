namespace Multiprocessing.Values;

/// <summary>What the async twins of the same-host waits share (an unsafe class cannot await).</summary>
internal static class FutexWaits
{
    /// <summary>
    /// Runs <paramref name="wait"/>, a futex wait that blocks its thread, on a thread of its own; a cancellation wakes
    /// it with <paramref name="wakeAll"/> so that it sees the token (the wait must take <paramref name="cancellationToken"/> too).
    /// </summary>
    public static async Task<bool> OnOwnThreadAsync(Func<bool> wait, Action wakeAll, CancellationToken cancellationToken)
    {
        await using var wake = cancellationToken.Register(wakeAll);
        return await Task.Factory.StartNew(wait, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
