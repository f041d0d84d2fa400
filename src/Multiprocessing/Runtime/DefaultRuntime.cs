using Multiprocessing.Processes;

namespace Multiprocessing.Runtime;

/// <summary>
/// The one piece of the library's state that is the OS process's, as Python's module-level default context is: the
/// runtime that <see cref="Mp"/>'s static calls and handles that travelled here use (they have no actor system at
/// hand), and the object that stands for the process's own code.
/// </summary>
internal static class DefaultRuntime
{
    // Live runtimes of this OS process, newest last (a test may run several coordinators).
    private static readonly List<NodeRuntime> Live = [];

    /// <summary>The runtime of this OS process: the last coordinator started here, or the worker this process is.</summary>
    public static NodeRuntime? Current
    {
        get { lock (Live) return Live.Count == 0 ? null : Live[^1]; }
    }

    /// <summary>Starts this process's runtime when first needed (a spawn host joins the cluster only if its process uses it).</summary>
    public static Func<NodeRuntime>? OnDemand { get; set; }

    /// <summary><see cref="Current"/>, started on demand where that is how this process works.</summary>
    public static NodeRuntime? CurrentOrOnDemand => Current ?? OnDemand?.Invoke();

    /// <summary>The object <see cref="Mp.CurrentProcess"/> returns outside any started process.</summary>
    public static MpProcess MainProcess { get; private set; } = MpProcess.ForMain("MainProcess");

    /// <summary>A worker's own code is its node (Python names a worker's main process after it).</summary>
    public static void NameMainProcess(string hostName)
    {
        lock (Live)
            if (MainProcess.Name == "MainProcess") MainProcess = MpProcess.ForMain(hostName);
    }

    public static void Add(NodeRuntime runtime)
    {
        lock (Live) Live.Add(runtime);
    }

    public static void Remove(NodeRuntime runtime)
    {
        lock (Live) Live.Remove(runtime);
    }
}
