namespace Multiprocessing.Tests.Pools;

/// <summary>Functions the pool tests run in pool workers on real worker nodes.</summary>
public static class PoolTargets
{
    [ThreadStatic] private static string? _tag;

    public static int Double(int x) => x * 2;

    public static int Multiply(int x, int y) => x * y;

    public static int Pid(int _) => Environment.ProcessId;

    public static int ThrowAtFive(int x) => x == 5 ? throw new InvalidOperationException($"five is not welcome ({x})") : x;

    /// <summary>The initializer: tags the worker thread it runs on, once per (re)started worker.</summary>
    public static void TagWorker(string prefix) => _tag = $"{prefix}:{Guid.NewGuid():N}";

    public static string ReadTag(int _) => _tag ?? "untagged";

    /// <summary>A task that waits (at most 30 s) for an int on <paramref name="gate"/>.</summary>
    public static Func<int> WaitFor(MpQueue<int> gate) => () => gate.Get(true, TimeSpan.FromSeconds(30));

    /// <summary>Doubles x; tells <paramref name="started"/> the pid of every task, and never finishes on the node <paramref name="victim"/> (it is killed there).</summary>
    public static Func<int, int> DoubleButHangOn(int victim, MpQueue<int> started) => x =>
    {
        started.Put(Environment.ProcessId);
        if (Environment.ProcessId == victim) started.Get(true, TimeSpan.FromSeconds(60)); // the queue is never empty for long: this only stalls the node
        return x * 2;
    };

    /// <summary>Reports its worker's pid on <paramref name="started"/>, then waits for an item of <paramref name="gate"/> (a minute at most).</summary>
    public static Func<int, int> ReportThenWait(MpQueue<int> started, MpQueue<int> gate) => x =>
    {
        started.Put(Environment.ProcessId);
        gate.Get(true, TimeSpan.FromMinutes(1));
        return x;
    };

    /// <summary>Returns x; at 0, only once an int arrives on <paramref name="gate"/> (a minute at most).</summary>
    public static Func<int, int> HoldZero(MpQueue<int> gate) => x => x == 0 ? gate.Get(true, TimeSpan.FromMinutes(1)) * 0 : x;

    /// <summary>Kills its own worker node at <paramref name="x"/> = 3, as a crashing native library would.</summary>
    public static int KillMyNodeAtThree(int x)
    {
        if (x == 3) System.Diagnostics.Process.GetCurrentProcess().Kill();
        return x;
    }

    /// <summary>Returns the pid; on <paramref name="first"/> waits for the gate (and leaves it open), elsewhere reports the pid on <paramref name="seen"/>.</summary>
    public static Func<int, int> PidGatedOn(int first, MpQueue<int> gate, MpQueue<int> seen) => _ =>
    {
        if (Environment.ProcessId == first) gate.Put(gate.Get(true, TimeSpan.FromSeconds(60)));
        else seen.Put(Environment.ProcessId);
        return Environment.ProcessId;
    };

    /// <summary>Prints who runs it (Python's <c>current_process().name</c>) and returns that name.</summary>
    public static string SayWho(int x)
    {
        var name = Mp.CurrentProcess().Name;
        Console.WriteLine($"{name} says {x}");
        return name;
    }

    /// <summary>The OS process and the process name (Python's <c>current_process().name</c>) a task runs as.</summary>
    public static (int Pid, string Name) PidAndName(int _) => (Environment.ProcessId, Mp.CurrentProcess().Name);

    public static int Length(byte[] bytes) => bytes.Length;

    public static byte[] Allocate(int bytes) => new byte[bytes];

    /// <summary>An endless input that counts what the pool read of it.</summary>
    public static IEnumerable<int> Endless(Counter produced)
    {
        for (var i = 0; ; i++)
        {
            Interlocked.Increment(ref produced.Value);
            yield return i;
        }
    }
}

public sealed class Counter
{
    public int Value;
}
