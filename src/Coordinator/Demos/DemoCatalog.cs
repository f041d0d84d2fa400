namespace Multiprocessing.Coordinator.Demos;

/// <summary>One notebook section that runs as a demo against the cluster.</summary>
internal sealed record Demo(string Name, string Title, Func<MpContext, Task>? Run);

/// <summary>The notebook's sections 2 to 6, in order; a null Run is a section whose issue has not landed.</summary>
internal static class DemoCatalog
{
    private static readonly Demo[] All =
    [
        new("processes", "2. The Process class", ProcessesDemo.RunAsync),
        new("queue", "3.1. Queue", QueueDemo.RunAsync),
        new("pipe", "3.2. Pipe", PipeDemo.RunAsync),
        new("shared", "4.1. Shared memory: Value, Array", SharedDemo.RunAsync),
        new("manager", "4.2. Server process: Manager", ManagerDemo.RunAsync),
        new("shared_memory", "4.3. shared_memory: SharedMemory, ShareableList", SharedMemoryDemo.RunAsync),
        new("pool", "5. Pool", PoolDemo.RunAsync),
        new("utilities", "6. Utility functions", UtilitiesDemo.RunAsync),
    ];

    public static bool Exists(string name) => All.Any(d => d.Name == name);

    /// <summary>The demos named (none or "all": every one), in notebook order.</summary>
    public static IReadOnlyList<Demo> Select(IReadOnlyCollection<string> names) =>
        names.Count == 0 || names.Contains("all") ? All : [.. All.Where(d => names.Contains(d.Name))];
}
