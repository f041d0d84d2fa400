namespace Multiprocessing.Runtime;

/// <summary>
/// The one way a blocking method waits for its async twin. On a plain thread the async call runs
/// here. Under a <see cref="SynchronizationContext"/> or a task scheduler of its own (a UI thread,
/// a single-threaded test runner, code inside a <c>Task.Factory.StartNew</c> on a custom scheduler)
/// it starts on the thread pool instead: its awaits would otherwise resume on the very thread that
/// blocks here, and wait for it forever. How long it waits is the call's own: its timeout or
/// ask-timeout, or as long as Python's would for a wait without a timeout (<c>Get()</c>, <c>Acquire()</c>).
/// </summary>
internal static class Blocking
{
    /// <summary>The call made from <paramref name="state"/> by a static lambda: a hot path allocates no closure.</summary>
    public static TResult Wait<TState, TResult>(TState state, Func<TState, Task<TResult>> call) =>
        (OnPlainThread ? call(state) : Task.Run(() => call(state))).GetAwaiter().GetResult();

    /// <summary>The call made from <paramref name="state"/> by a static lambda: a hot path allocates no closure.</summary>
    public static void Wait<TState>(TState state, Func<TState, Task> call) =>
        (OnPlainThread ? call(state) : Task.Run(() => call(state))).GetAwaiter().GetResult();

    public static T Wait<T>(Func<Task<T>> call) => Wait(call, static c => c());

    public static void Wait(Func<Task> call) => Wait(call, static c => c());

    private static bool OnPlainThread => SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default;
}
