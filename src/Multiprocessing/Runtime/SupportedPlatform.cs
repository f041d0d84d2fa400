using System.Runtime.InteropServices;

namespace Multiprocessing.Runtime;

/// <summary>
/// The one place that says which OS the library runs on: Linux. It reads /proc (process start
/// times, the boot id), keeps shared values and queue ledgers in /dev/shm files (a value's lock
/// waits on a futex there), and signals processes with libc's kill. The coordinator and every
/// worker check it before anything else, so another OS is refused at start with one line, not deep
/// inside a process.
/// </summary>
internal static class SupportedPlatform
{
    public const string Name = "Linux";

    /// <summary>Throws <see cref="MpUnsupportedPlatformException"/> unless this process runs on Linux.</summary>
    public static void Ensure() => Ensure(OperatingSystem.IsLinux(), RuntimeInformation.OSDescription);

    /// <summary>The check itself, given whether the OS is supported and its description (tests pass another OS).</summary>
    internal static void Ensure(bool isSupported, string osFound)
    {
        if (!isSupported)
            throw new MpUnsupportedPlatformException(
                $"Multiprocessing runs on {Name} only (it relies on /proc, futexes and POSIX signals); this is {osFound}.");
    }
}
