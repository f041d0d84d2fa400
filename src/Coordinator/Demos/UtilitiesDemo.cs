namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 6: the module's utility functions, seen from the main process and from a child.</summary>
internal static class UtilitiesDemo
{
    public static async Task RunAsync(MpContext mp)
    {
        Console.WriteLine($"cpu_count()       : {Mp.CpuCount()}");
        Console.WriteLine($"current_process() : {Mp.CurrentProcess()}");
        var child = mp.Process(Describe);
        child.Start();
        Console.WriteLine($"active_children() : [{string.Join(", ", Mp.ActiveChildren())}]");
        await child.JoinAsync();
        Console.WriteLine($"active_children() : [{string.Join(", ", Mp.ActiveChildren())}]");
    }

    private static void Describe()
    {
        var parent = Mp.ParentProcess();
        Console.WriteLine($"in the child      : current_process()={Mp.CurrentProcess().Name}, parent_process()={parent?.Name} (pid {parent?.Pid})");
    }
}
