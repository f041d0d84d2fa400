using System.Globalization;

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

        Console.WriteLine(PyFloat(num.Value));
        Console.WriteLine(PyList(arr.ToArray().Select(PyFloat)));
        Console.WriteLine(PyList(lst.ToArray().Select(i => i.ToString(CultureInfo.InvariantCulture))));
        return Task.CompletedTask;
    }

    private static void F(MpValue<double> num, MpArray<double> arr, MpArray<int> lst)
    {
        num.Value = 3.1415927;
        for (var i = 0; i < arr.Length; i++) arr[i] = -arr[i];
        lst[0] = 10;
    }

    private static string PyList(IEnumerable<string> items) => $"[{string.Join(", ", items)}]";

    // Python's repr of a float: the shortest round-trip digits, and ".0" on whole numbers ("-0.0", "-1.0").
    internal static string PyFloat(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E'))
        {
            var (mantissa, exponent) = (text[..text.IndexOf('E')], int.Parse(text[(text.IndexOf('E') + 1)..], CultureInfo.InvariantCulture));
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        if (text == "-0") return "-0.0";
        return text.Contains('.') ? text : text + ".0";
    }
}
