namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 5: <c>pool.map(multiply, range(10))</c> and <c>pool.starmap(multiply, [(1, 2), (3, 4), (4, 5)])</c>.</summary>
internal static class PoolDemo
{
    public static async Task RunAsync(MpContext mp)
    {
        List<int> res1, res2;
        await using (var pool = mp.Pool())
            res1 = pool.Map(Double, Enumerable.Range(0, 10));
        await using (var pool = mp.Pool())
            res2 = pool.StarMap(Multiply, [(1, 2), (3, 4), (4, 5)]);

        Console.WriteLine($"map    : [{string.Join(", ", res1)}]");
        Console.WriteLine($"starmap: [{string.Join(", ", res2)}]");
    }

    // Python's multiply(x, y=2): C# has no default arguments on a delegate, so map takes the one-argument form.
    private static int Multiply(int x, int y) => x * y;

    private static int Double(int x) => Multiply(x, 2);
}
