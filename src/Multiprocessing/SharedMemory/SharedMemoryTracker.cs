using System.Globalization;
using Multiprocessing.Processes;
using Multiprocessing.Values;

namespace Multiprocessing.SharedMemory;

/// <summary>
/// Python's resource tracker for named blocks, kept in files so that no process has to live for it.
/// Every block has a record <c>/dev/shm/mp-shm-owner.NAME</c> naming its keeper (pid and start time):
/// its creator, until a spawned or actor process that created it ends, which hands it to its
/// coordinator (Python's tracker outlives the creator too). A block whose keeper is gone (killed, or
/// the program ended) is removed once no process has it open (see <see cref="BlockFiles"/>).
/// </summary>
/// <remarks>
/// Checked when a process creates a block (which also finds what a killed coordinator left), when a
/// process closes one, when the coordinator sees a host it started exit abnormally, and at the
/// coordinator's end. The class keeps no state: the records are the state.
/// </remarks>
internal static class SharedMemoryTracker
{
    /// <summary>Set by the coordinator on the hosts it launches: its pid, the keeper of blocks whose creator ended.</summary>
    public const string CoordinatorVariable = "MULTIPROCESSING_COORDINATOR_PID";

    private const string RecordPrefix = "mp-shm-owner.";
    private const string TempPrefix = "mp-shm-tmp-";

    /// <summary>Records <paramref name="name"/> as kept by this process; a process that will end before its coordinator hands it over then.</summary>
    public static void Track(string name)
    {
        Sweep();
        Write(RecordOf(name), Environment.ProcessId, NativeWait.OwnStartTime);
        if (Coordinator() is { } coordinator)
            Mp.CurrentProcess().Life.OnExit(() =>
            {
                HandOver(name, coordinator);
                return Task.CompletedTask;
            });
    }

    /// <summary>The block is unlinked: nothing left to track.</summary>
    public static void Untrack(string name) => ShmFiles.TryDelete(RecordOf(name));

    /// <summary>After a close: removes the block if its keeper is gone and no process has it open any more.</summary>
    public static void RemoveIfOrphaned(string name)
    {
        var record = RecordOf(name);
        if (Keeper(record) is { } keeper && !NativeWait.IsAlive(keeper.Pid, keeper.Start)) BlockFiles.RemoveIfUnused(name, record);
    }

    /// <summary>Removes every block whose keeper is gone (or is <paramref name="endedKeeper"/>, a program that ends) and that no process has open.</summary>
    public static void Sweep(int endedKeeper = 0)
    {
        ShmFiles.SweepDeadMakers(TempPrefix); // a record half-written by a process that was killed
        try
        {
            foreach (var record in Directory.EnumerateFiles(ShmFiles.Folder, RecordPrefix + "*"))
            {
                if (Keeper(record) is not { } keeper) continue;
                if (keeper.Pid == endedKeeper || !NativeWait.IsAlive(keeper.Pid, keeper.Start))
                    BlockFiles.RemoveIfUnused(Path.GetFileName(record)[RecordPrefix.Length..], record);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to sweep here.
        }
    }

    /// <summary>The program ends: its coordinator's blocks that no process has open are removed, as Python's tracker does at exit.</summary>
    public static void ProgramEnded() => Sweep(endedKeeper: Environment.ProcessId);

    private static void HandOver(string name, int coordinator)
    {
        var record = RecordOf(name);
        if (Keeper(record) is { } keeper && keeper.Pid == Environment.ProcessId && NativeWait.StartTime(coordinator) is { } start)
            Write(record, coordinator, start);
    }

    private static int? Coordinator() =>
        int.TryParse(Environment.GetEnvironmentVariable(CoordinatorVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId
            ? pid : null;

    private static string RecordOf(string name) => Path.Combine(ShmFiles.Folder, RecordPrefix + name);

    private static (int Pid, long Start)? Keeper(string record)
    {
        try
        {
            var fields = File.ReadAllText(record).Split(' ');
            return (int.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            return null; // gone, or not a record
        }
    }

    // Written aside then renamed over the record: a reader sees the old keeper or the new one, never half of one.
    private static void Write(string record, int pid, long start)
    {
        var temp = ShmFiles.NewPath(TempPrefix);
        File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{pid} {start}"));
        File.Move(temp, record, overwrite: true);
    }
}
