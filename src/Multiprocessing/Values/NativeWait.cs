using System.Runtime.InteropServices;

namespace Multiprocessing.Values;

/// <summary>
/// The OS calls the shared-memory lock needs: a futex on a word of a shared mapping (the
/// process-shared variants, not FUTEX_*_PRIVATE) and whether a pid still runs. Where there is no
/// futex (not Linux, or another architecture) a waiter spins and yields instead.
/// </summary>
internal static unsafe partial class NativeWait
{
    private const int FutexWaitOp = 0;
    private const int FutexWakeOp = 1;
    private const int Esrch = 3;

    private static readonly long FutexSyscall = !OperatingSystem.IsLinux() ? -1 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    public static bool HasFutex => FutexSyscall > 0;

    /// <summary>
    /// The longest a same-host waiter sleeps before it looks again (a dead holder, a cancellation that woke it just
    /// before it slept): ten wake-ups a second per sleeper, nothing against a spin.
    /// </summary>
    public static readonly TimeSpan Round = TimeSpan.FromMilliseconds(100);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeout"/>; wakes on <see cref="Wake"/>. Spurious returns are allowed.</summary>
    public static void Wait(int* word, int expected, TimeSpan timeout)
    {
        if (!HasFutex)
        {
            Thread.Yield();
            return;
        }
        var ticks = Math.Max(0, timeout.Ticks);
        var spec = new Timespec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100 };
        Syscall(FutexSyscall, word, FutexWaitOp, expected, &spec, null, 0);
    }

    /// <summary>
    /// Sleeps on <paramref name="word"/> until <paramref name="done"/> says yes for a value read from it (true), or
    /// <paramref name="timeout"/> (null: no limit) passed (false), counted in <paramref name="sleepers"/> meanwhile so
    /// that a waker may skip its syscall when nobody sleeps. Sleeps last at most a <see cref="Round"/>: a cancellation
    /// wakes the sleepers but cannot change the word, so one that lands just before a sleeper's syscall is seen then.
    /// </summary>
    public static bool SleepUntil(int* word, int* sleepers, TimeSpan? timeout, CancellationToken cancellationToken, Func<int, bool> done)
    {
        var deadline = timeout is { } t ? Environment.TickCount64 + (long)t.TotalMilliseconds : long.MaxValue;
        Interlocked.Increment(ref *sleepers);
        try
        {
            while (true)
            {
                var seen = Volatile.Read(ref *word);
                if (done(seen)) return true;
                cancellationToken.ThrowIfCancellationRequested();
                var left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                Wait(word, seen, TimeSpan.FromMilliseconds(Math.Min(left, Round.TotalMilliseconds)));
            }
        }
        finally
        {
            Interlocked.Decrement(ref *sleepers);
        }
    }

    /// <summary>Wakes up to <paramref name="count"/> processes or threads waiting on <paramref name="word"/>.</summary>
    public static void Wake(int* word, int count)
    {
        if (HasFutex) Syscall(FutexSyscall, word, FutexWakeOp, count, null, null, 0);
    }

    /// <summary>Whether <paramref name="pid"/> runs and, when <paramref name="startTime"/> is known, is still the process that started then (pids get reused).</summary>
    public static bool IsAlive(int pid, long startTime)
    {
        if (pid <= 0) return true;
        if (OperatingSystem.IsLinux())
        {
            if (Kill(pid, 0) != 0 && Marshal.GetLastPInvokeError() == Esrch) return false;
            return startTime == 0 || StartTime(pid) is not { } now || now == startTime;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // GetProcessById's way of saying no such process
        }
    }

    /// <summary>This process's start time, in clock ticks since boot (0 where unknown).</summary>
    public static long OwnStartTime { get; } = StartTime(Environment.ProcessId) ?? 0;

    /// <summary>When <paramref name="pid"/> started, in clock ticks since boot; null if it is gone or unreadable.</summary>
    // Field 22 of /proc/PID/stat, counted after the command name (which may hold spaces and parentheses).
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
