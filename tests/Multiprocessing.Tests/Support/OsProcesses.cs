using System.Diagnostics;

namespace Multiprocessing.Tests.Support;

/// <summary>What the operating system says about processes, read from /proc (Linux, where CI runs).</summary>
public static class OsProcesses
{
    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return StateOf(stat) != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Pids of WorkerNode processes whose command line contains <paramref name="marker"/> (e.g. a coordinator's address).</summary>
    public static IReadOnlyList<int> WorkersWith(string marker) =>
        [.. AllPids().Where(pid => CommandLine(pid) is { } cmd && cmd.Contains("WorkerNode") && cmd.Contains(marker) && IsAlive(pid))];

    /// <summary>Direct children of <paramref name="parent"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent) =>
        [.. AllPids().Where(pid => ParentOf(pid) == parent && IsAlive(pid))];

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking it every <see cref="PollInterval"/>;
    /// false if <paramref name="timeout"/> passed first. What is watched here (/proc, files, another
    /// process's state) sends no notice; a spinning check (SpinWait.SpinUntil, as before) took one of
    /// the two cores from the very processes it waited for, and asked some of them as fast as it could.
    /// </summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed >= timeout) return false;
            Thread.Sleep(PollInterval);
        }
        return true;
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>SIGSTOP: the process freezes (its sockets stay open), as a node cut off the network looks to the others.</summary>
    public static void Stop(int pid) => Signal(pid, SigStop);

    /// <summary>SIGCONT: a stopped process goes on.</summary>
    public static void Continue(int pid) => Signal(pid, SigCont);

    /// <summary>SIGKILL to <paramref name="pid"/>, if it still exists.</summary>
    public static void Kill(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { } // already gone
    }

    public static void KillTree(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private const int SigCont = 18, SigStop = 19; // Linux

    private static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : -1).Where(pid => pid > 0);

    private static string? CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1]);
        }
        catch (IOException) { return -1; }
    }

    // /proc/PID/stat is "pid (comm) S ..."; comm may contain spaces and parentheses.
    private static char StateOf(string stat) => stat[stat.LastIndexOf(')') + 2];
}
