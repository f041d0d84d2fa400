using System.Collections;
using System.Globalization;

namespace Multiprocessing;

/// <summary>Python's <c>repr</c> of plain values (None, 'text', 1.0, [..], {k: v}), so that shared objects print as the notebook shows them.</summary>
public static class PyRepr
{
    public static string Of(object? value) => value switch
    {
        null => "None",
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
        char c => Of(c.ToString()),
        bool b => b ? "True" : "False",
        double d => Float(d),
        float f => Float(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        IFormattable n when IsInteger(n) => n.ToString(null, CultureInfo.InvariantCulture),
        IDictionary map => Dict(map.Cast<DictionaryEntry>().Select(e => new KeyValuePair<object?, object?>(e.Key, e.Value))),
        IEnumerable items => List(items.Cast<object?>()),
        _ => value.ToString() ?? "",
    };

    public static string Dict(IEnumerable<KeyValuePair<object?, object?>> pairs) =>
        "{" + string.Join(", ", pairs.Select(p => $"{Of(p.Key)}: {Of(p.Value)}")) + "}";

    public static string List(IEnumerable<object?> items) => "[" + string.Join(", ", items.Select(Of)) + "]";

    // Python prints a float with the shortest repr that reads back, and always with a '.': 1.0, 0.25.
    private static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text.Replace("E+", "e+").Replace("E-", "e-") : text + ".0";
    }

    private static bool IsInteger(object n) => n is sbyte or byte or short or ushort or int or uint or long or ulong or System.Numerics.BigInteger;
}
