namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 4.1: a child writes a shared Value and two shared Arrays; the parent prints them.</summary>
internal static class SharedDemo
{
    public static Task RunAsync(MpContext mp)
    {
        var num = mp.Value(0.0);
        var lst = mp.Array(Enumerable.Range(0, 10));
        var arr = mp.Array(Enumerable.Range(0, 5).Select(i => (double)i));

        var p = mp.Process(F, num, arr, lst);
        p.Start();
        p.Join();

        // Python prints the value and arr[:], lst[:]: lists.
        Console.WriteLine(MpRepr.Of(num.Value));
        Console.WriteLine(MpRepr.Of(arr.ToArray()));
        Console.WriteLine(MpRepr.Of(lst.ToArray()));
        return Task.CompletedTask;
    }

    private static void F(MpValue<double> num, MpArray<double> arr, MpArray<int> lst)
    {
        num.Value = 3.1415927;
        for (var i = 0; i < arr.Length; i++) arr[i] = -arr[i];
        lst[0] = 10;
    }
}
