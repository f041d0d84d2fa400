namespace Multiprocessing.Coordinator.Demos;

/// <summary>
/// Notebook section 4.3: a block of shared memory that two child processes square in place, half each, then a
/// ShareableList (Python's documentation example) that a child changes; the parent prints both.
/// </summary>
internal static class SharedMemoryDemo
{
    public static Task RunAsync(MpContext mp)
    {
        // Python: shm = shared_memory.SharedMemory(create=True, size=a.nbytes); b = np.ndarray(a.shape, a.dtype, buffer=shm.buf)
        const int length = 8;
        using var shm = mp.SharedMemory(create: true, size: length * sizeof(double));
        var numbers = shm.AsSpan<double>();
        for (var i = 0; i < length; i++) numbers[i] = i;

        // The children attach by name, as Python's do: SharedMemory(name=shm.name).
        var halves = new[] { mp.Process(Square, shm.Name, 0, length / 2), mp.Process(Square, shm.Name, length / 2, length) };
        foreach (var child in halves) child.Start();
        foreach (var child in halves) child.Join();
        Console.WriteLine(MpRepr.Of(shm.AsSpan<double>().ToArray()));
        shm.Unlink();

        using var sl = mp.ShareableList(["howdy", "HoWdY"u8.ToArray(), -273.154, 100, null, true, 42]);
        var p = mp.Process(ChangeTypes, sl);
        p.Start();
        p.Join();
        Console.WriteLine(MpRepr.List(sl));
        Console.WriteLine(sl.Format);
        sl.Shm.Unlink();
        return Task.CompletedTask;
    }

    private static void Square(string name, int start, int stop)
    {
        using var shm = new MpSharedMemory(name);
        var numbers = shm.AsSpan<double>();
        for (var i = start; i < stop; i++) numbers[i] *= numbers[i];
    }

    // Python's documentation: a[2] = -78.5; a[4] = 'dry ice' (an item may change type within its room).
    private static void ChangeTypes(MpShareableList a)
    {
        a[2] = -78.5;
        a[4] = "dry ice";
        a.Dispose();
    }
}
