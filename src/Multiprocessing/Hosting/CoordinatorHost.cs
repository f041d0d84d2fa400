using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Multiprocessing.Logging;
using Multiprocessing.Monitoring;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Hosting;

/// <summary>
/// The coordinator node (<c>MainProcess</c>): the cluster's seed, the launcher of local workers
/// and spawn hosts, and the one that shuts them all down.
/// </summary>
internal sealed class CoordinatorHost : IAsyncDisposable
{
    private readonly NodeRuntime _runtime;
    private readonly IActorRef _registry;
    private readonly LocalHostLauncher _launcher;
    private int _disposed;

    // The registry fails a readiness wait itself at its timeout, naming the missing nodes and their output: the ask must not time out first.
    private static readonly TimeSpan ReadinessAskSlack = TimeSpan.FromSeconds(5);

    // The registry waits shutdown-timeout, kills the hosts, then waits up to 5 s for them to exit: the ask outlasts both.
    private static readonly TimeSpan ShutdownAskSlack = TimeSpan.FromSeconds(10);

    private CoordinatorHost(NodeRuntime runtime, IActorRef registry, LocalHostLauncher launcher, string address)
    {
        _runtime = runtime;
        _registry = registry;
        _launcher = launcher;
        Address = address;
    }

    /// <summary>The seed address workers on other hosts join with <c>WorkerNode --seed</c>.</summary>
    public string Address { get; }

    /// <summary>Waits until at least <paramref name="count"/> worker nodes (local or joined by hand) are Up and registered.</summary>
    public Task WaitForWorkersAsync(int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        _registry.Ask<HostRegistryActor.NodesReady>(new HostRegistryActor.AwaitNodes(count, timeout), timeout + ReadinessAskSlack, cancellationToken);

    /// <summary>Waits until multiprocessing.spawn.spares single-use hosts stand ready (a warm start for spawn).</summary>
    public Task WaitForSpawnSparesAsync(CancellationToken cancellationToken) =>
        _registry.Ask<HostRegistryActor.SparesReady>(new HostRegistryActor.AwaitSpares(), _runtime.Settings.WorkerReadyTimeout, cancellationToken);

    /// <summary>A snapshot of the cluster: nodes, running processes, pools.</summary>
    public Task<MpStatus> StatusAsync(CancellationToken cancellationToken) => ClusterStatus.TakeAsync(_runtime, _registry, cancellationToken);

    public static async Task<MpContext> StartAsync(MpOptions options, CancellationToken cancellationToken)
    {
        SupportedPlatform.Ensure();
        cancellationToken.ThrowIfCancellationRequested(); // rather than start a cluster only to stop it
        var overrides = new StringBuilder(options.Config).AppendLine();
        if (options.Workers is { } workers) overrides.AppendLine($"multiprocessing.workers = {workers}");
        if (options.StartMethod is { } method) overrides.AppendLine($"multiprocessing.start-method = {method.ToString().ToLowerInvariant()}");
        if (options.AuthFile is { } authFile) overrides.AppendLine($"{SecuritySettings.AuthFileKey} = {MpConfig.Quote(Path.GetFullPath(authFile))}");
        overrides.AppendLine($"akka.cluster.roles = [{NodeReachability.CoordinatorRole}]");
        var config = MpConfig.Load(options.ConfigFile, overrides.ToString());
        var settings = MpSettings.From(config);
        var credentials = SecuritySettings.From(config).ForCoordinator(config);

        var loggers = options.LoggerFactory ?? LineLoggerFactory.StandardError();
        var system = MpActorSystem.Create("mp", config, credentials, loggers);
        try
        {
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            cluster.Join(cluster.SelfAddress);
            await up.Task.WaitAsync(settings.WorkerReadyTimeout, cancellationToken);

            var seed = cluster.SelfAddress.ToString();
            if (credentials is null) system.Log.Warning(SecuritySettings.OffWarning(seed));
            var launcher = new LocalHostLauncher(settings, seed, options.ConfigFile, options.Config, credentials, loggers);
            var nodes = new NodeRoundRobin();
            var spares = new Spawn.ReadySpares();
            var registry = system.ActorOf(HostRegistryActor.Props(launcher, settings, nodes, spares, cluster.Down), ActorNames.HostRegistry);
            var runtime = NodeRuntime.Start(system, settings, "MainProcess", registry, coordinatorSupervisor: null, credentials, nodes, spares);
            system.ActorOf(StatusActor.Props(runtime, registry), ActorNames.Status);
            var host = new CoordinatorHost(runtime, registry, launcher, seed);
            try
            {
                registry.Tell(new HostRegistryActor.LaunchNodes(settings.Workers));
                await host.WaitForWorkersAsync(Math.Max(settings.Workers, settings.MinWorkers), settings.WorkerReadyTimeout, cancellationToken);
                // Spares start once the nodes are Up, so they do not slow the cluster's start.
                registry.Tell(new HostRegistryActor.EnableSpares());
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
            runtime.Context.Coordinator = host;
            return runtime.Context;
        }
        catch
        {
            NodeRuntime.Of(system)?.Retire();
            await system.Terminate();
            throw;
        }
    }

    /// <summary>
    /// Python's exit of the main process: waits for non-daemonic children, terminates daemonic
    /// ones, then every host leaves and exits (killed after shutdown-timeout), then this node.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_runtime.System.WhenTerminated.IsCompleted)
        {
            // This node's actor system ended under the program (Correlator says why to every call): no child can be
            // joined, no host asked to leave, nothing handed over. The hosts it launched are stopped, not left behind;
            // the exit hooks still do their local part (segment files unlinked), and what they ask of the cluster fails
            // at once: nothing can be delivered any more, so those failures are expected and dropped.
            _runtime.Retire();
            await _launcher.StopAllAsync(TimeSpan.Zero);
            try
            {
                await DefaultRuntime.MainProcess.Life.RunExitHooksAsync();
            }
            catch (Exception)
            {
            }
            SharedMemory.SharedMemoryTracker.ProgramEnded(); // every host has exited
            return;
        }
        var settings = _runtime.Settings;
        try
        {
            var main = DefaultRuntime.MainProcess.Life;
            await ChildProcesses.FinishAtExitAsync(main, CancellationToken.None);
            await main.RunExitHooksAsync();
            await _registry.Ask<HostRegistryActor.AllStopped>(
                new HostRegistryActor.ShutdownAll(settings.ShutdownTimeout), settings.ShutdownTimeout + ShutdownAskSlack);
            SharedMemory.SharedMemoryTracker.ProgramEnded(); // every host has exited: what none of them has open is unused
        }
        finally
        {
            _runtime.Retire();
            await CoordinatedShutdown.Get(_runtime.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        }
    }
}
