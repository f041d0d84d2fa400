using System.Runtime.InteropServices;

namespace Multiprocessing.Values;

/// <summary>
/// The element types of Python's typecodes ('b','B','h','H','i','I','l','L','q','Q','f','d','u'
/// and '?'), as .NET types: what a Value or an Array may hold. Elements are kept as their bytes.
/// </summary>
internal static class Typecodes
{
    private static readonly Dictionary<Type, char> Codes = new()
    {
        [typeof(sbyte)] = 'b', [typeof(byte)] = 'B',
        [typeof(short)] = 'h', [typeof(ushort)] = 'H',
        [typeof(int)] = 'i', [typeof(uint)] = 'I',
        [typeof(long)] = 'q', [typeof(ulong)] = 'Q',
        [typeof(float)] = 'f', [typeof(double)] = 'd',
        [typeof(char)] = 'u', [typeof(bool)] = '?',
    };

    /// <summary>Python's typecode of <typeparamref name="T"/>; throws for any other type.</summary>
    public static char Of<T>() where T : unmanaged =>
        Codes.TryGetValue(typeof(T), out var code) ? code
            : throw new NotSupportedException($"A Value or Array holds one of Python's typecode types " +
                                              $"(sbyte, byte, short, ushort, int, uint, long, ulong, float, double, char, bool), not {typeof(T)}.");

    public static byte[] ToBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        Of<T>();
        return MemoryMarshal.AsBytes(values).ToArray();
    }

    public static T[] FromBytes<T>(byte[] bytes) where T : unmanaged => MemoryMarshal.Cast<byte, T>(bytes).ToArray();
}
