namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 2: processes from a callable (2.1) and from a subclass (2.2).</summary>
internal static class ProcessesDemo
{
    public static Task RunAsync(MpContext mp)
    {
        // 2.1 With a callable: Ironman and Captain, joined.
        var current = Mp.CurrentProcess().Name;
        var process1 = mp.Process(Avenger, "Ironman");
        var process2 = mp.Process(Avenger, "Captain");

        Console.WriteLine($"{current}: Calling Ironman.");
        process1.Start();
        Console.WriteLine($"{current}: Calling Captain.");
        process2.Start();

        Console.WriteLine($"{current}: Waiting Ironman & Captain for saving the world!");
        process1.Join();
        process2.Join();
        Console.WriteLine($"{current}: Oh yeah! They saved us!");
        Console.WriteLine();

        // 2.1 again, in a loop.
        var processes = new List<MpProcess>();
        foreach (var name in new[] { "Ironman", "Hulk", "Thor", "Ant-man", "Wasp" })
        {
            processes.Add(mp.Process(Avenger, name));
            processes[^1].Start();
        }
        foreach (var process in processes)
            process.Join();
        Console.WriteLine();

        // 2.2 By subclassing.
        var ironman = mp.Bind(new AvengerProcess("Ironman"));
        var captain = mp.Bind(new AvengerProcess("Captain"));
        ironman.Start();
        captain.Start();
        ironman.Join();
        captain.Join();
        return Task.CompletedTask;
    }

    private static void Avenger(string name)
    {
        var current = Mp.CurrentProcess().Name;
        Thread.Sleep(Random.Shared.Next(1000));
        Console.WriteLine($"{current}: {name} comes to save the world!");
        Thread.Sleep(Random.Shared.Next(1000));
        Console.WriteLine($"{current}: {name} finished his work.");
    }

    private sealed class AvengerProcess : MpProcess
    {
        public AvengerProcess(string name)
        {
            Name = name;
        }

        public override void Run()
        {
            var current = Mp.CurrentProcess().Name;
            Thread.Sleep(Random.Shared.Next(1000));
            Console.WriteLine($"{current}: {Name} comes to save the world!");
            Thread.Sleep(Random.Shared.Next(1000));
            Console.WriteLine($"{current}: {Name} finished his work.");
        }
    }
}
