using System.Collections;
using System.Globalization;

namespace Multiprocessing;

/// <summary>Python's <c>repr</c> of plain values (None, 'text', 1.0, [..], {k: v}), so that shared objects print as the notebook shows them.</summary>
public static class MpRepr
{
    public static string Of(object? value) => value switch
    {
        null => "None",
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
        byte[] bytes => Bytes(bytes),
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

    // Python's bytes repr: b'..' (b".." when it holds ' and no "), printable ASCII as is, \t \n \r, the rest \xNN.
    private static string Bytes(byte[] bytes)
    {
        var quote = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"') ? '"' : '\'';
        var text = new System.Text.StringBuilder("b").Append(quote);
        foreach (var b in bytes)
            text.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\t' => "\\t",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                _ when b == quote => "\\" + (char)b,
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        return text.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr</c> of an <c>array.array</c>: <c>array('d', [1.0, 2.0])</c>, <c>array('d')</c> when empty, <c>array('u', 'text')</c> for chars.</summary>
    internal static string Array<T>(char typecode, IReadOnlyCollection<T> items) =>
        items.Count == 0 ? $"array('{typecode}')"
        : $"array('{typecode}', {(typecode == 'u' ? Of(string.Concat(items)) : List(items.Cast<object?>()))})";

    // Python's float repr: the shortest digits that read back, fixed notation for a decimal point
    // between 4 places left of them and 16 right (with ".0" when whole), else d.ddde+XX.
    // .NET's "R" gives the same shortest digits but switches notation elsewhere: only its digits are used.
    private static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var sign = double.IsNegative(d) ? "-" : "";
        if (d == 0) return sign + "0.0";
        var text = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E');
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        // Where the decimal point falls, counted from the first significant digit.
        var point = (dot < 0 ? mantissa.Length : dot) + (e < 0 ? 0 : int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture));
        point -= digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (point is > -4 and <= 16)
            return sign + (point <= 0 ? "0." + new string('0', -point) + digits
                : point >= digits.Length ? digits + new string('0', point - digits.Length) + ".0"
                : digits[..point] + "." + digits[point..]);
        var exponent = point - 1;
        return sign + (digits.Length == 1 ? digits : digits[0] + "." + digits[1..]) +
               (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    private static bool IsInteger(object n) => n is sbyte or byte or short or ushort or int or uint or long or ulong or System.Numerics.BigInteger;
}
