using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Configuration;
using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Output;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Hosting;

/// <summary>
/// The WorkerNode program: joins a coordinator (<c>--seed</c>), registers with it, runs the
/// processes it is sent, and exits when the coordinator says so or is gone.
/// </summary>
public static class MpWorkerHost
{
    public const string Usage =
        "usage: WorkerNode --seed akka.ssl.tcp://SYSTEM@HOST:PORT --auth FILE [--config FILE] [--assembly DLL ...] [--name NAME]";

    /// <summary>Exit code of a worker whose coordinator disappeared.</summary>
    public const int CoordinatorLostExitCode = 3;

    /// <summary>Exit code of a worker that was not a member of the cluster within multiprocessing.worker-join-timeout.</summary>
    public const int JoinTimedOutExitCode = 4;

    /// <summary>Exit code of a worker whose credentials the cluster refused (or that refused the cluster's).</summary>
    public const int CredentialsRefusedExitCode = 5;

    /// <summary>
    /// Runs the WorkerNode program with its command line; returns its exit code. Cancelling
    /// <paramref name="cancellationToken"/> is as SIGTERM: a worker node leaves the cluster and returns 0.
    /// (A spawn host, which only a coordinator starts, lives as long as its one process.)
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        try
        {
            SupportedPlatform.Ensure();
        }
        catch (MpUnsupportedPlatformException e)
        {
            // Refused before anything starts, in one line: no stack trace.
            Console.Error.WriteLine(e.Message);
            return 2;
        }

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

        // Read before anything else: the coordinator wrote them first, and the stdin watch reads what follows.
        var handed = arguments.CredentialsOnStdin ? CredentialsHandOver.Receive(new HostChannel(Console.OpenStandardInput(), Stream.Null)) : null;
        if (arguments.CredentialsOnStdin && handed is null) return CoordinatorLostExitCode;

        // Akka's own exit hook is off: it would leave the cluster on any exit, even when the coordinator
        // is dead and a leave or a shard hand-off can never complete. Graceful ways out are below.
        var name = arguments.Name ?? $"{System.Net.Dns.GetHostName()}-{Environment.ProcessId}";
        Config config;
        MpSettings settings;
        try
        {
            config = MpConfig.Load(arguments.ConfigFile, arguments.ConfigText + "\n" + arguments.Overrides() +
                $"akka.cluster.roles = [worker, {MpConfig.Quote(NodeReachability.NameRole(name))}]\n" +
                "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
            settings = MpSettings.From(config);
        }
        catch (MpConfigurationException e)
        {
            // The user's mistake, named in one line: no stack trace.
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        ClusterCredentials? credentials;
        try
        {
            credentials = SecuritySettings.From(config).ForWorker(handed is null ? null : ClusterCredentials.FromPem(handed));
        }
        catch (MpSecurityException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            return 2;
        }
        var seed = arguments.SeedFor(tls: credentials is not null);
        config = ConfigurationFactory.ParseString($"akka.cluster.seed-nodes = [{MpConfig.Quote(seed)}]").WithFallback(config);

        // Before the router takes Console.Error: log records must reach the coordinator even when a process's thread logs.
        var loggers = arguments.Loggers(Console.Error);
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
        using var cancelled = cancellationToken.Register(() => exit.TrySetResult((0, "done")));

        var system = MpActorSystem.Create(Address.Parse(seed).System, config, credentials, loggers);
        if (credentials is null && !arguments.WatchStdin) system.Log.Warning(SecuritySettings.OffWarning(Cluster.Get(system).SelfAddress.ToString()));
        var registry = system.ActorSelection(ActorNames.On(seed, ActorNames.HostRegistry));
        var coordinatorSupervisor = system.ActorSelection(ActorNames.On(seed, ActorNames.ProcessSupervisor));
        var runtime = NodeRuntime.Start(system, settings, name, registry, coordinatorSupervisor, credentials);
        var agent = system.ActorOf(NodeAgentActor.Props(runtime, () => exit.TrySetResult((0, "done")),
            () => Managers.ManagerRegion.StartOnWorker(runtime, seed)), ActorNames.NodeAgent);
        Action<string> coordinatorLost = why => exit.TrySetResult((CoordinatorLostExitCode, why));
        system.ActorOf(Props.Create(() => new CoordinatorWatchActor(settings.CoordinatorLostTimeout, coordinatorLost)), ActorNames.CoordinatorWatch);

        var register = new RegisterHost(HostKind.Node, name, Environment.ProcessId, agent);
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() =>
        {
            joined.TrySetResult();
            registry.Tell(register, agent);
            HostWarmUp.InBackground(runtime);
        });
        ExitUnlessJoined(joined.Task, settings.WorkerJoinTimeout, seed, exit);

        var ended = await Task.WhenAny(exit.Task, system.WhenTerminated);
        if (ended != exit.Task)
        {
            if (TlsHandshakeFailure(system) is not { } failure) return 0;
            Console.Error.WriteLine(joined.Task.IsCompleted
                ? $"{name}: exiting: {failure}"
                : $"{name}: the cluster refused this node's credentials ({failure}): give it --auth with the coordinator's credentials file.");
            return CredentialsRefusedExitCode;
        }
        var (code, why) = exit.Task.Result;
        if (code != 0) Console.Error.WriteLine($"{name}: exiting: {why}");
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        return code;
    }

    // Joining retries for ever (a wrong seed, a coordinator that is gone): bounded here instead.
    private static void ExitUnlessJoined(Task joined, TimeSpan timeout, string seed, TaskCompletionSource<(int Code, string Why)> exit) =>
        joined.WaitAsync(timeout).ContinueWith(t =>
        {
            if (t.IsFaulted) exit.TrySetResult((JoinTimedOutExitCode, $"could not join the cluster at {seed} within {timeout.TotalSeconds:0.#} s (multiprocessing.worker-join-timeout)"));
        }, TaskScheduler.Default);

    // Akka.Remote ends the actor system when a TLS handshake it started fails: the peer did not
    // present the cluster's certificate, or refused ours. Its reason says with whom.
    private static string? TlsHandshakeFailure(ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason is { } reason && reason.GetType().Name == "TlsHandshakeFailureReason" ? reason.ToString() : null;

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
