namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 4.2: a child process fills a Manager dict, reverses a Manager list and sets a Manager array; the main process prints them.</summary>
internal static class ManagerDemo
{
    public static async Task RunAsync(MpContext mp)
    {
        await using var manager = await mp.ManagerAsync();
        var a = manager.Array(new double[5]); // Python: manager.Array('d', np.zeros(5))
        var d = manager.Dict<object, object?>();
        var l = manager.List(Enumerable.Range(0, 10));

        var p = mp.Process(F, d, l, a);
        p.Start();
        p.Join();

        Console.WriteLine(d);
        Console.WriteLine(l);
        Console.WriteLine(a);
    }

    private static void F(MpDict<object, object?> d, MpList<int> l, MpArray<double> a)
    {
        a[0] = 1;
        d[1] = "1";
        d["2"] = 2;
        d[0.25] = null;
        l.Reverse();
    }
}
