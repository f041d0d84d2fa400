using System.Runtime.InteropServices;

namespace Multiprocessing.Processes;

/// <summary>POSIX signals as Python's exit codes speak of them (a process killed by signal N exits with -N).</summary>
internal static partial class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    /// <summary>Python's exitcode for an OS process that ended with <paramref name="osExitCode"/> (.NET reports death by signal N as 128+N).</summary>
    public static int ToExitCode(int osExitCode) => osExitCode > 128 && osExitCode < 160 ? -(osExitCode - 128) : osExitCode;

    /// <summary>Sends <paramref name="signal"/> to OS process <paramref name="pid"/>.</summary>
    public static void Send(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            return;
        }
        if (NativeKill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
