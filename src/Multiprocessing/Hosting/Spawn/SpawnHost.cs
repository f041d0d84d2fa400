using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Akka.Util;
using Hyperion;
using Microsoft.Extensions.Logging;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Output;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Hosting.Spawn;

/// <summary>
/// A single-use host: one fresh OS process for one spawn-mode process. It is told its process
/// and reports on it over its stdin/stdout pipes, so it needs no actor system to start; it
/// starts one (and joins the coordinator by remoting) only when the process touches the cluster:
/// an actor reference in its arguments, a queue, a child process.
/// </summary>
internal static class SpawnHost
{
    // A live coordinator acknowledges an exit, and a connection started ahead completes, within milliseconds: this only bounds a stuck one.
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(WorkerArguments arguments)
    {
        var channel = new HostChannel(Console.OpenStandardInput(), Console.OpenStandardOutput());
        var loggers = arguments.Loggers(Console.Error);
        // stdout carries frames: whatever is not written by the process goes to stderr.
        Console.SetOut(new OutputRouter(Console.Error, isError: false));
        Console.SetError(new OutputRouter(Console.Error, isError: true));

        // The coordinator wrote the cluster's credentials first; they are parsed only if the cluster is needed.
        var handed = arguments.CredentialsOnStdin ? CredentialsHandOver.Receive(channel) : null;
        if (arguments.CredentialsOnStdin && handed is null) return MpWorkerHost.CoordinatorLostExitCode;

        // Parsing HOCON costs a fresh process tens of milliseconds: only the cluster needs it.
        var config = new Lazy<Config>(() => MpConfig.Load(arguments.ConfigFile, arguments.ConfigText + "\n" + arguments.Overrides() +
            "akka.actor.provider = remote\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off"));
        var name = arguments.Name ?? $"spawn-{Environment.ProcessId}";
        var runtime = new Lazy<NodeRuntime>(() => JoinCoordinator(arguments, config.Value, name, handed, channel, loggers));
        DefaultRuntime.OnDemand = () => runtime.Value;
        var hyperion = arguments.ConfigFile is null && arguments.ConfigText is null ? DefaultHyperionSettings : HyperionSettingsOf(config.Value);
        // This serializer only reads: size limits apply where payloads are written.
        var payloads = new PayloadSerializer(StandaloneHyperion(hyperion, () => runtime.Value.System), long.MaxValue, long.MaxValue);

        HostWarmUp.Processes(payloads);
        channel.Write(new Frame(FrameKind.Ready, Number: Environment.ProcessId));
        using var taken = new ManualResetEventSlim();
        var connectingAhead = arguments.ConnectAheadAfter is { } idle ? ConnectAheadWhenIdle(runtime, arguments, idle, taken, channel) : null;
        var run = channel.Read();
        taken.Set();
        if (run is { Kind: FrameKind.Stop })
        {
            // Cut in the middle, a connection started ahead looks to the coordinator like a refused stranger.
            connectingAhead?.Join(AckTimeout);
            return 0;
        }
        if (run is not { Kind: FrameKind.Run }) return MpWorkerHost.CoordinatorLostExitCode;

        // From here on, the end of stdin before an Ack means the coordinator died; until then it
        // announces the hosts that end, which this host's watchers hear on its event stream.
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = new Thread(() =>
        {
            while (channel.Read() is { } frame)
            {
                if (frame.Kind == FrameKind.Ack)
                {
                    acknowledged.TrySetResult();
                    return;
                }
                if (frame.Kind == FrameKind.HostGone && runtime.IsValueCreated) runtime.Value.System.EventStream.Publish(new HostGone(frame.Text));
            }
            Environment.Exit(MpWorkerHost.CoordinatorLostExitCode);
        }) { IsBackground = true, Name = "parent-watch" };
        watch.Start();

        channel.Write(new Frame(FrameKind.Started, run.Id, Environment.ProcessId));
        var exitCode = ProcessExecution.Run(
            run.Text,
            () => (MpProcess)payloads.Deserialize(run.Bytes!, $"process '{run.Text}'"),
            line => channel.Write(new Frame(FrameKind.Output, run.Id, line.IsError ? 1 : 0, line.Text)));
        channel.Write(new Frame(FrameKind.Exited, run.Id, exitCode));

        await Task.WhenAny(acknowledged.Task, Task.Delay(AckTimeout));
        // A connection started ahead is let finish its TLS handshake: cut in the middle, the
        // coordinator logs it as a refused stranger ("did not prove this cluster's credentials").
        connectingAhead?.Join(AckTimeout);
        // The exit is recorded: nothing is left to hand over, so end at once.
        Environment.Exit(0);
        return 0;
    }

    // A spare that waits long enough starts its actor system, associates with the coordinator
    // and warms its messages; a process that needs the cluster then finds it up, or waits for
    // the start already under way. A spare taken sooner skips all of it.
    private static Thread ConnectAheadWhenIdle(Lazy<NodeRuntime> runtime, WorkerArguments arguments, TimeSpan idle, ManualResetEventSlim taken, HostChannel channel)
    {
        var thread = new Thread(() =>
        {
            if (taken.Wait(idle)) return;
            var system = runtime.Value.System;
            HostWarmUp.Messages(system);
            try
            {
                var seed = arguments.SeedFor(tls: runtime.Value.Credentials is not null);
                system.ActorSelection(ActorNames.On(seed, ActorNames.HostRegistry)).Ask<ActorIdentity>(new Identify(null), runtime.Value.Settings.AskTimeout).Wait();
                if (!taken.IsSet) channel.Write(new Frame(FrameKind.Connected));
            }
            catch (AggregateException)
            {
                // Not connected ahead: the process connects when it needs to, and reports what fails then.
            }
        }) { IsBackground = true, Name = "connect-ahead" };
        thread.Start();
        return thread;
    }

    /// <summary>What the embedded reference.conf and Hyperion's own defaults amount to (a test holds them equal).</summary>
    internal static readonly HyperionSerializerSettings DefaultHyperionSettings =
        new(preserveObjectReferences: true, versionTolerance: true, knownTypesProvider: null!, packageNameOverrides: [],
            surrogates: [], disallowUnsafeType: true, typeFilter: DisabledTypeFilter.Instance);

    internal static HyperionSerializerSettings HyperionSettingsOf(Config config) =>
        HyperionSerializerSettings.Create(config.GetConfig("akka.actor.serialization-settings.hyperion")
            .WithFallback(HyperionSerializer.DefaultConfiguration().GetConfig("akka.actor.serialization-settings.hyperion")));

    // The cluster's own Hyperion settings, without an actor system until an actor reference
    // has to be rebuilt: the bytes are the same as those the coordinator's serializer writes.
    private static Akka.Serialization.Serializer StandaloneHyperion(HyperionSerializerSettings settings, Func<ActorSystem> system)
    {
        Surrogate actorReferences = Surrogate.Create<ISurrogated, ISurrogate>(
            from => from.ToSurrogate(system()),
            to => to.FromSurrogate(system()));
        return new HyperionSerializer(null!, settings.WithSurrogates([actorReferences, .. settings.Surrogates]));
    }

    private static NodeRuntime JoinCoordinator(WorkerArguments arguments, Config config, string name, string? handedCredentials, HostChannel channel,
        ILoggerFactory loggers)
    {
        var settings = MpSettings.From(config);
        var credentials = SecuritySettings.From(config).ForWorker(handedCredentials is null ? null : ClusterCredentials.FromPem(handedCredentials));
        var seed = arguments.SeedFor(tls: credentials is not null);
        var system = MpActorSystem.Create(Address.Parse(seed).System, config, credentials, loggers);
        // The coordinator announces this address to every node when this host ends (see HostDeathWatch).
        channel.Write(new Frame(FrameKind.Joined, Text: ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString()));
        var registry = system.ActorSelection(ActorNames.On(seed, ActorNames.HostRegistry));
        var coordinatorSupervisor = system.ActorSelection(ActorNames.On(seed, ActorNames.ProcessSupervisor));
        return NodeRuntime.Start(system, settings, name, registry, coordinatorSupervisor, credentials);
    }
}
