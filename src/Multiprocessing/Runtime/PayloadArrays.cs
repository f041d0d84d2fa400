using System.Runtime.InteropServices;

namespace Multiprocessing.Runtime;

/// <summary>
/// The byte arrays a large payload is copied or read into. Above a few MiB an array is offered to Linux's
/// transparent huge pages (madvise mode, as most distributions ship them): the kernel then backs it 2 MiB
/// at a time instead of 4 KiB, and filling a fresh 100 MiB array takes fifty page faults instead of
/// 25,600, which on a virtual machine cost several hundred milliseconds. Uninitialized: the caller writes
/// every byte before anyone reads it.
/// </summary>
internal static partial class PayloadArrays
{
    private const int HugePageBytes = 2 * 1024 * 1024;
    private const int AdviseFrom = 4 * HugePageBytes;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    public static byte[] Allocate(int length)
    {
        var array = GC.AllocateUninitializedArray<byte>(length);
        if (length >= AdviseFrom && OperatingSystem.IsLinux()) AdviseHugePages(array);
        return array;
    }

    // Large arrays do not move (the large object heap is not compacted), so the advice stays with the array.
    // It is only advice: where the kernel declines it (huge pages off, memory fragmented), the array works as it is.
    private static unsafe void AdviseHugePages(byte[] array)
    {
        fixed (byte* start = array)
        {
            var first = ((nuint)start + HugePageBytes - 1) & ~(nuint)(HugePageBytes - 1);
            var end = ((nuint)start + (nuint)array.Length) & ~(nuint)(HugePageBytes - 1);
            if (end <= first) return;
            try
            {
                _ = Madvise(first, end - first, MadviseHugePage);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // A C library without madvise (not glibc or musl): the array works as it is.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nuint address, nuint length, int advice);
}
