namespace Multiprocessing.Runtime;

/// <summary>
/// The one way a blocking method waits for its async twin. On a plain thread the async call runs
/// here. Under a <see cref="SynchronizationContext"/> or a task scheduler of its own (a UI thread,
/// a single-threaded test runner, code inside a <c>Task.Factory.StartNew</c> on a custom scheduler)
/// it starts on the thread pool instead: its awaits would otherwise resume on the very thread that
/// blocks here, and wait for it forever. Every wait it makes has its own deadline (ask-timeout, or
/// the call's timeout), so blocking here never hangs for good.
/// </summary>
internal static class Blocking
{
    public static T Wait<T>(Func<Task<T>> call) => (OnPlainThread ? call() : Task.Run(call)).GetAwaiter().GetResult();

    public static void Wait(Func<Task> call) => (OnPlainThread ? call() : Task.Run(call)).GetAwaiter().GetResult();

    private static bool OnPlainThread => SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default;
}
