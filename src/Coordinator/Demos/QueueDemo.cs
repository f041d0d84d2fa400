namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 3.1: five avengers put their secret on a queue; a listener process prints them.</summary>
internal static class QueueDemo
{
    public static Task RunAsync(MpContext mp)
    {
        var queue = mp.Queue<string>();
        var processes = new List<MpProcess>();
        foreach (var name in new[] { "Ironman", "Hulk", "Thor", "Ant-man", "Wasp" })
        {
            processes.Add(mp.Process(Avenger, name, queue));
            processes[^1].Start();
        }
        // The notebook starts the listener at once and counts on the avengers being quicker;
        // here it listens once they have spoken, so that it never finds the queue empty too early.
        foreach (var process in processes)
            process.Join();
        var listener = mp.Process(ListenToAvengers, queue);
        listener.Start();
        listener.Join();
        return Task.CompletedTask;
    }

    private static void Avenger(string name, MpQueue<string> queue)
    {
        var current = Mp.CurrentProcess().Name;
        queue.Put($"{current}: {name} says something secret!");
    }

    private static void ListenToAvengers(MpQueue<string> queue)
    {
        while (!queue.Empty())
            Console.WriteLine(queue.Get());
        Console.WriteLine("Avengers have nothing more to say!");
    }
}
