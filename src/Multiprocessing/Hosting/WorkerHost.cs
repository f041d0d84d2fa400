using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Output;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// The WorkerNode program: joins a coordinator (<c>--seed</c>), registers with it, runs the
/// processes it is sent, and exits when the coordinator says so or is gone.
/// </summary>
public static class WorkerHost
{
    public const string Usage =
        "usage: WorkerNode --seed akka.tcp://SYSTEM@HOST:PORT [--config FILE] [--assembly DLL ...] [--name NAME]";

    /// <summary>Exit code of a worker whose coordinator disappeared.</summary>
    public const int CoordinatorLostExitCode = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        WorkerArguments arguments;
        try
        {
            arguments = WorkerArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        AssemblyProbe.Install(arguments.Assemblies, arguments.ProbeFolders);
        if (arguments.SpawnHost) return await SpawnHost.RunAsync(arguments);

        // Akka's own exit hook is off: it would leave the cluster on any exit, even when the coordinator
        // is dead and a leave or a shard hand-off can never complete. Graceful ways out are below.
        var name = arguments.Name ?? $"{System.Net.Dns.GetHostName()}-{Environment.ProcessId}";
        var config = MpConfig.Load(arguments.ConfigFile, arguments.ConfigText + "\n" +
            $"akka.cluster.roles = [worker, {MpConfig.Quote(NodeReachability.NameRole(name))}]\n" +
            $"akka.cluster.seed-nodes = [{MpConfig.Quote(arguments.Seed)}]\n" +
            "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        var settings = MpSettings.From(config);

        OutputRouter.Install();
        var exit = new TaskCompletionSource<(int Code, string Why)>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (arguments.WatchStdin) WatchParentPipe();
        // Stopped from outside (a worker started by hand, Ctrl+C): leave the cluster, as when told to.
        void Leave(PosixSignalContext signal)
        {
            signal.Cancel = true;
            exit.TrySetResult((0, "done"));
        }
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);

        var system = MpActorSystem.Create(Address.Parse(arguments.Seed).System, config);
        var registry = system.ActorSelection($"{arguments.Seed}/user/mp-hosts");
        var coordinatorSupervisor = system.ActorSelection($"{arguments.Seed}/user/mp-processes");
        var runtime = NodeRuntime.Start(system, settings, name, registry, coordinatorSupervisor, credentials: null);
        var agent = system.ActorOf(NodeAgentActor.Props(runtime, () => exit.TrySetResult((0, "done")),
            () => Managers.ManagerRegion.StartOnWorker(system, arguments.Seed)), NodeAgentActor.Name);
        Action<string> coordinatorLost = why => exit.TrySetResult((CoordinatorLostExitCode, why));
        system.ActorOf(Props.Create(() => new CoordinatorWatchActor(settings.CoordinatorLostTimeout, coordinatorLost)), "mp-coordinator-watch");

        HostWarmUp.Messages(system);
        HostWarmUp.Processes(runtime.Payloads);
        var register = new RegisterHost(HostKind.Node, name, Environment.ProcessId, agent);
        Cluster.Get(system).RegisterOnMemberUp(() => registry.Tell(register, agent));

        var ended = await Task.WhenAny(exit.Task, system.WhenTerminated);
        if (ended != exit.Task) return 0;
        var (code, why) = exit.Task.Result;
        if (code != 0) Console.Error.WriteLine($"{name}: exiting: {why}");
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        return code;
    }

    // The coordinator holds the write end of our stdin and never writes: end-of-file means it died.
    // Nothing can be left or handed over then: the process ends at once (no exit hook runs Akka's shutdown).
    private static void WatchParentPipe()
    {
        var thread = new Thread(() =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
            Environment.Exit(CoordinatorLostExitCode);
        }) { IsBackground = true, Name = "parent-watch" };
        thread.Start();
    }
}
