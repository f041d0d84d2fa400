using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Tests.Security;

/// <summary>
/// An Akka.NET system outside the cluster, in the test process, that sends the cluster's own
/// messages to its internal actors: what a stranger on the machine (or the network) could do.
/// Without credentials it speaks plain TCP to the nodes' ports; with credentials it speaks TLS.
/// </summary>
internal sealed class ForeignSystem : IAsyncDisposable
{
    private readonly TaskCompletionSource<RemotingLifecycleEvent> _firstAssociation = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ForeignSystem(ClusterCredentials? credentials)
    {
        Credentials = credentials;
        // A TLS hello to a plain port (or the reverse) waits for a handshake that never comes: bounded short here.
        const string config = "akka.cluster.roles = [foreign]\nakka.remote { handshake-timeout = 3s, dot-netty.tcp.connection-timeout = 3s }";
        System = MpActorSystem.Create("mp", MpConfig.Load(null, config), credentials, Logging.LineLoggerFactory.StandardError());
        var watcher = System.ActorOf(Props.Create(() => new AssociationWatcher(_firstAssociation)));
        System.EventStream.Subscribe(watcher, typeof(RemotingLifecycleEvent));
        Payloads = PayloadSerializer.Of(System);
        Replies = System.ActorOf(Props.Create(() => new Collector()), "replies");
    }

    public ActorSystem System { get; }
    public ClusterCredentials? Credentials { get; }
    public PayloadSerializer Payloads { get; }

    /// <summary>Where the cluster's replies to this system's messages land (ProcessStarted, DirectLinkOffer...).</summary>
    public IActorRef Replies { get; }

    /// <summary>The first association this system made or failed to make; a system whose TLS handshake failed ends (Akka.Remote's rule).</summary>
    public async Task<bool> AssociatedAsync(TimeSpan patience)
    {
        var first = await Task.WhenAny(_firstAssociation.Task, System.WhenTerminated).WaitAsync(patience);
        return first == _firstAssociation.Task && _firstAssociation.Task.Result is AssociatedEvent;
    }

    /// <summary>A node's actor, addressed in this system's scheme (a stranger without TLS dials the same host and port in plain TCP).</summary>
    public ActorSelection Select(Address node, string actor) =>
        System.ActorSelection(new RootActorPath(InScheme(node)) / "user" / actor);

    public Address InScheme(Address node) =>
        new(Credentials is null ? "akka.tcp" : "akka.ssl.tcp", node.System, node.Host, node.Port);

    /// <summary>A RunProcess whose target writes <paramref name="marker"/>: the proof that code ran.</summary>
    public RunProcess Run(string marker) =>
        new(Guid.NewGuid(), "foreign", Payloads.Serialize(new MpProcess(ForeignTargets.Touch, [marker]), "foreign process"), Replies);

    /// <summary>Every attack the issue names, at once: run code on a worker (its agent) and through the coordinator (spawn and actor), shut the worker down, ask both for a direct link, join and down the worker.</summary>
    public void Attack(Address coordinator, Address worker, string markers)
    {
        Select(worker, "mp-agent").Tell(Run(Path.Combine(markers, "agent")), Replies);
        Select(coordinator, "mp-hosts").Tell(new PlaceProcess(Run(Path.Combine(markers, "spawn")), Spawn: true), Replies);
        Select(coordinator, "mp-hosts").Tell(new PlaceProcess(Run(Path.Combine(markers, "actor")), Spawn: false), Replies);
        Select(worker, "mp-direct").Tell(new DirectLinkQuery(), Replies);
        Select(coordinator, "mp-direct").Tell(new DirectLinkQuery(), Replies);
        Select(worker, "mp-agent").Tell(ShutdownHost.Instance, Replies);
        var cluster = Cluster.Get(System);
        cluster.Join(InScheme(coordinator));
        cluster.Down(InScheme(worker));
    }

    /// <summary>What reached <see cref="Replies"/> so far.</summary>
    public async Task<IReadOnlyList<object>> RepliesAsync() => await Replies.Ask<IReadOnlyList<object>>(Collector.Report.Instance, TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await System.Terminate();

    private sealed class AssociationWatcher : ReceiveActor
    {
        public AssociationWatcher(TaskCompletionSource<RemotingLifecycleEvent> first)
        {
            Receive<AssociatedEvent>(e => first.TrySetResult(e));
            Receive<AssociationErrorEvent>(e => first.TrySetResult(e));
            Receive<DisassociatedEvent>(e => first.TrySetResult(e));
            ReceiveAny(_ => { });
        }
    }

    private sealed class Collector : ReceiveActor
    {
        public sealed record Report
        {
            public static readonly Report Instance = new();
        }

        public Collector()
        {
            var received = new List<object>();
            Receive<Report>(_ => Sender.Tell((IReadOnlyList<object>)[.. received]));
            ReceiveAny(received.Add);
        }
    }
}

/// <summary>What a foreign system asks the cluster to run.</summary>
public static class ForeignTargets
{
    public static void Touch(string marker) => File.WriteAllText(marker, Environment.ProcessId.ToString());
}
