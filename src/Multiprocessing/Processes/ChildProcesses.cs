namespace Multiprocessing.Processes;

/// <summary>What happens to a process's children when it finishes (Python's atexit of multiprocessing).</summary>
internal static class ChildProcesses
{
    /// <summary>Daemonic children are terminated; the others are waited for.</summary>
    public static async Task FinishAtExitAsync(ProcessLife parent, CancellationToken cancellationToken)
    {
        var children = parent.LiveChildren();
        foreach (var child in children.Where(c => c.Daemon))
            child.Terminate();
        foreach (var child in children)
            await child.JoinAsync(cancellationToken);
    }
}
