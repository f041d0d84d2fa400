using Akka.Actor;
using Multiprocessing.Direct;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Processes;
using Multiprocessing.Queues;
using Multiprocessing.Security;

namespace Multiprocessing.Runtime;

/// <summary>
/// What one node (the coordinator, a worker node or a single-use host) runs on: its actor
/// system, settings, serializer and supervisor. An extension of its actor system (as Akka's
/// Cluster and Sharding are): actors find it with <see cref="Of"/>; handles, which have no actor
/// system at hand, through <see cref="DefaultRuntime"/>.
/// </summary>
internal sealed class NodeRuntime : IExtension
{
    private NodeRuntime(ActorSystem system, MpSettings settings, string hostName, IActorRef supervisor, ClusterCredentials? credentials,
        Hosting.NodeRoundRobin? workerNodes, Hosting.Spawn.ReadySpares? spawnSpares)
    {
        System = system;
        WorkerNodes = workerNodes;
        SpawnSpares = spawnSpares;
        Credentials = credentials;
        Settings = settings;
        HostName = hostName;
        Supervisor = supervisor;
        Payloads = PayloadSerializer.Of(system);
        Nodes = new NodeReachability(system);
        Correlator = new Correlator(system, Nodes, settings.AskTimeout, settings.SpinBeforeBlocking, settings.ManagerResendAfter, Notice);
        _ledger = new Lazy<ConsumptionLedger?>(() =>
        {
            var ledger = ConsumptionLedger.TryCreate();
            if (ledger is not null) system.RegisterOnTermination(ledger.Dispose);
            return ledger;
        });
        var offers = new DirectOffers(system, settings.AskTimeout);
        var dialer = new DirectDialer(credentials, settings.DirectLinkHandshakeTimeout);
        Direct = new DirectChannel((ExtendedActorSystem)system, Payloads, offers, dialer, settings.AskTimeout, settings.DirectLinks);
        DirectCalls = new DirectCalls((ExtendedActorSystem)system, Payloads, offers, dialer, settings, Nodes);
        system.ActorOf(DirectLinkActor.Props(Payloads, settings, credentials), ActorNames.DirectLinks);
        Transfers.PayloadTransfers.Get(system).UseDirectLinks(Direct);
        system.RegisterOnTermination(Direct.Dispose);
        system.RegisterOnTermination(DirectCalls.Dispose);
        Context = new MpContext(this, settings.StartMethod);
    }

    public ActorSystem System { get; }
    public MpSettings Settings { get; }

    /// <summary>What proves this node belongs to the cluster; null when multiprocessing.security is off.</summary>
    public ClusterCredentials? Credentials { get; }
    public string HostName { get; }
    public IActorRef Supervisor { get; }

    /// <summary>On the coordinator, the worker nodes that are up and the next for an actor-mode process; null elsewhere (the registry picks).</summary>
    public Hosting.NodeRoundRobin? WorkerNodes { get; }

    /// <summary>On the coordinator, the spawn hosts standing ready, which a spawn Start claims itself; null elsewhere.</summary>
    public Hosting.Spawn.ReadySpares? SpawnSpares { get; }
    public PayloadSerializer Payloads { get; }

    /// <summary>Which other cluster members are lost (unreachable or downed), as this node sees them.</summary>
    public NodeReachability Nodes { get; }

    /// <summary>The numbers this node gives what it names.</summary>
    public NodeNumbers Numbers { get; } = new();
    public Correlator Correlator { get; }

    /// <summary>The dispatchers of this node's pools that are not joined, by actor name (a status asks each for its progress).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, IActorRef> Pools { get; } = new();

    /// <summary>The queues made on this node (a status asks each for its size).</summary>
    public Monitoring.QueueDirectory Queues { get; } = new();

    /// <summary>The queue handles of this node that borrow items (a queue's recall finds them here).</summary>
    public QueueEnds QueueEnds { get; } = new();

    /// <summary>This node's consumption ledger in shared memory, made at the first borrow; null where none can be made.</summary>
    public ConsumptionLedger? Ledger => _ledger.Value;

    private readonly Lazy<ConsumptionLedger?> _ledger;

    /// <summary>What this node's Managers share, made by the first (<see cref="ManagersIfMade"/> never makes it).</summary>
    public Managers.ManagerHub Managers => Volatile.Read(ref _managers) ?? LazyInitializer.EnsureInitialized(ref _managers, ref _managersGate, () => new Managers.ManagerHub(this));

    /// <summary>The hub if this node made a Manager, without making one (a status asks it, and should start nothing).</summary>
    public Managers.ManagerHub? ManagersIfMade => Volatile.Read(ref _managers);

    private Managers.ManagerHub? _managers;
    private object? _managersGate;

    /// <summary>Direct TCP links to other nodes, for the messages whose latency matters (a pipe's).</summary>
    public DirectChannel Direct { get; }

    /// <summary>Request/reply over direct links, for callers that block on each reply (a Manager proxy's).</summary>
    public DirectCalls DirectCalls { get; }
    public MpContext Context { get; }

    /// <param name="registry">The coordinator's host registry, where processes are placed.</param>
    /// <param name="coordinatorSupervisor">Where a worker forwards the output of processes it started; null on the coordinator, which prints it.</param>
    /// <param name="workerNodes">The coordinator's worker nodes (<see cref="WorkerNodes"/>).</param>
    /// <param name="spawnSpares">The coordinator's ready spawn hosts (<see cref="SpawnSpares"/>).</param>
    public static NodeRuntime Start(ActorSystem system, MpSettings settings, string hostName, ICanTell registry, ICanTell? coordinatorSupervisor,
        ClusterCredentials? credentials, Hosting.NodeRoundRobin? workerNodes = null, Hosting.Spawn.ReadySpares? spawnSpares = null)
    {
        if (coordinatorSupervisor is not null) DefaultRuntime.NameMainProcess(hostName);
        var supervisor = system.ActorOf(ProcessSupervisorActor.Props(registry, coordinatorSupervisor), ActorNames.ProcessSupervisor);
        var runtime = new NodeRuntime(system, settings, hostName, supervisor, credentials, workerNodes, spawnSpares);
        system.RegisterExtension(new Extension(runtime));
        DefaultRuntime.Add(runtime);
        return runtime;
    }

    // Messages to this node's handles that answer no request of theirs.
    private void Notice(IMpMessage notice)
    {
        if (notice is QueueRecall recall) QueueEnds.Recall(recall);
    }

    public void Retire()
    {
        DefaultRuntime.Remove(this);
    }

    /// <summary>The runtime of <paramref name="system"/>; null for an actor system that runs none (a test's, a status client's).</summary>
    public static NodeRuntime? Of(ActorSystem system) => system.HasExtension<NodeRuntime>() ? system.GetExtension<NodeRuntime>() : null;

    // Registers a runtime made beforehand: it needs more than the actor system to be made.
    private sealed class Extension(NodeRuntime runtime) : ExtensionIdProvider<NodeRuntime>
    {
        public override NodeRuntime CreateExtension(ExtendedActorSystem system) => runtime;
    }
}
