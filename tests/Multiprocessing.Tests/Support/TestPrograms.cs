using Akka.Event;
using Multiprocessing.Tests.Managers;
using Multiprocessing.Tests.Pools;

namespace Multiprocessing.Tests.Support;

/// <summary>
/// The test assembly as a program (<c>dotnet Multiprocessing.Tests.dll SCENARIO</c>), for the tests
/// that need a coordinator of its own they can kill. Test runners load the assembly as a library
/// and never call it.
/// </summary>
public static class TestPrograms
{
    public const string BusyCoordinator = "busy-coordinator";

    /// <summary>Logs <see cref="AkkaWarning"/> through Akka, prints <see cref="Ready"/>, exits.</summary>
    public const string AkkaWarning = "akka-warning";

    /// <summary>Runs <c>MpWorkerHost.RunAsync(the arguments that follow)</c> in this program, with a token cancelled when a line comes on stdin.</summary>
    public const string HostedWorker = "hosted-worker";

    /// <summary>What <see cref="BusyCoordinator"/> prints once everything is running.</summary>
    public const string Ready = "ready";

    public static async Task<int> Main(string[] args) => args switch
    {
        [BusyCoordinator] => await RunBusyCoordinatorAsync(),
        [AkkaWarning] => await LogAnAkkaWarningAsync(),
        [HostedWorker, .. var worker] => await RunHostedWorkerAsync(worker),
        _ => 2,
    };

    private static async Task<int> RunHostedWorkerAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        _ = Task.Run(() =>
        {
            Console.In.ReadLine();
            stop.Cancel();
        });
        return await Multiprocessing.Hosting.MpWorkerHost.RunAsync(args, stop.Token);
    }

    private static async Task<int> LogAnAkkaWarningAsync()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 0 }); // the coordinator's own actor system is enough
        mp.Runtime.System.Log.Warning(AkkaWarning);
        Console.WriteLine(Ready);
        return 0;
    }

    // A Manager with an object on a worker, a Pool whose workers are in the middle of a map, a spawned
    // process connected to the cluster and spare hosts: then it waits to be killed (or its stdin to end).
    private static async Task<int> RunBusyCoordinatorAsync()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
        await using var manager = await mp.ManagerAsync();
        var gate = manager.Queue<int>();
        var dict = manager.Dict<int, int>();
        dict[0] = 0;
        var started = mp.Queue<int>();
        var child = mp.Process(Targets.TakeOne, gate);
        child.Start();
        await using var pool = mp.Pool();
        var map = pool.MapAsync(PoolTargets.ReportThenWait(started, gate), Enumerable.Range(0, 8), chunksize: 1);
        for (var i = 0; i < pool.Processes; i++) started.Get(true, TimeSpan.FromMinutes(1)); // every pool worker runs a task
        await mp.WaitForSpawnSparesAsync();
        Console.WriteLine(Ready);
        Console.In.ReadLine();
        Console.WriteLine($"map {map.Ready}");
        return 0;
    }
}
