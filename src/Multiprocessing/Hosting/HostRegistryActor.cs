using Akka.Actor;
using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// The coordinator's view of every host: the worker nodes (local or joined from other
/// machines) and the pool of pre-started single-use spawn hosts. It places processes,
/// keeps the spares topped up, tells supervisors when a host dies, and shuts hosts down.
/// </summary>
internal sealed class HostRegistryActor : ReceiveActor, IWithTimers
{
    public sealed record LaunchNodes(int Count);
    public sealed record AwaitNodes(int Count, TimeSpan Timeout);
    public sealed record NodesReady(IReadOnlyList<string> Names);
    public sealed record EnableSpares;
    public sealed record SpareConnected(string Name);
    public sealed record SpawnHostJoined(string Name, string Address);
    public sealed record AwaitSpares;
    public sealed record SparesReady(int Count);
    public sealed record ShutdownAll(TimeSpan Grace);
    public sealed record AllStopped;

    /// <summary>Every host it knows, for a status: worker nodes, then spawn hosts.</summary>
    public sealed record ListHosts;

    public sealed record HostList(IReadOnlyList<HostSeen> Hosts);

    /// <param name="State">Null for a worker node (the cluster knows its state); spare, starting or busy for a spawn host.</param>
    /// <param name="Local">Launched by this coordinator, so on this machine.</param>
    public sealed record HostSeen(string Name, HostKind Kind, int Pid, string Address, string? State, bool Local);
    private sealed record LocalHostExited(LaunchedHost Host, int OsExitCode);
    private sealed record ReadinessTimedOut(int WaiterId);
    private sealed record ReadinessWaiter(int Id, int Count, IActorRef ReplyTo);
    private sealed record Host(string Name, int Pid, IActorRef Agent, LaunchedHost? Launched);

    private readonly LocalHostLauncher _launcher;
    private readonly MpSettings _settings;
    private readonly Action<Address> _down;
    private readonly List<Host> _nodes = [];
    private readonly List<Host> _spares = [];
    private readonly HashSet<string> _connectedSpares = [];
    private readonly Queue<RunProcess> _waitingForSpawnHost = new();
    private readonly HashSet<string> _launchingSpawnHosts = [];
    private readonly HashSet<string> _busySpawnHosts = [];
    private readonly SpareTarget _spareTarget;
    private readonly Dictionary<string, HashSet<IActorRef>> _supervisorsByHost = [];
    private readonly Dictionary<string, string> _hostAddresses = [];
    private readonly List<LaunchedHost> _launchedNodes = [];
    private readonly List<ReadinessWaiter> _readinessWaiters = [];
    private int _nextWaiterId;
    private readonly List<IActorRef> _sparesWaiters = [];
    private int _nextNode;
    private int _spawnHostCounter;
    private bool _sparesEnabled;
    private bool _shuttingDown;

    public ITimerScheduler Timers { get; set; } = null!;

    public HostRegistryActor(LocalHostLauncher launcher, MpSettings settings, Action<Address> down)
    {
        _launcher = launcher;
        _settings = settings;
        _down = down;
        _spareTarget = new SpareTarget(settings.SpawnSpares, settings.SpawnMaxSpares);

        Receive<LaunchNodes>(launch =>
        {
            for (var i = 0; i < launch.Count; i++)
                _launchedNodes.Add(Launch($"worker-{_launchedNodes.Count + 1}", HostKind.Node));
        });

        Receive<AwaitNodes>(wait =>
        {
            var waiter = new ReadinessWaiter(++_nextWaiterId, wait.Count, Sender);
            _readinessWaiters.Add(waiter);
            Timers.StartSingleTimer(waiter.Id, new ReadinessTimedOut(waiter.Id), wait.Timeout);
            CheckReadiness();
        });

        Receive<ReadinessTimedOut>(timedOut =>
        {
            if (_readinessWaiters.Find(w => w.Id == timedOut.WaiterId) is not { } waiter) return;
            var missing = _launchedNodes.Where(l => _nodes.All(n => n.Name != l.Name)).ToList();
            var detail = string.Join(Environment.NewLine, missing.Select(m =>
                $"{m.Name} (pid {m.Pid}) was not Up after {_settings.WorkerReadyTimeout.TotalSeconds:0.#} s. Its last output:{Environment.NewLine}{m.Tail()}"));
            Fail(waiter, detail.Length > 0 ? detail : $"Only {_nodes.Count} of {waiter.Count} worker nodes joined.");
        });

        Receive<AwaitSpares>(_ =>
        {
            _sparesWaiters.Add(Sender);
            CheckSpares();
        });

        Receive<SpareConnected>(connected =>
        {
            if (_spares.Any(s => s.Name == connected.Name)) _connectedSpares.Add(connected.Name);
            CheckSpares();
        });

        // A spawn host's agent is its local proxy: its address comes once its actor system is up.
        Receive<SpawnHostJoined>(joined => _hostAddresses[joined.Name] = joined.Address);

        Receive<EnableSpares>(_ =>
        {
            _sparesEnabled = true;
            TopUpSpawnHosts();
        });

        Receive<RegisterHost>(register =>
        {
            var launched = _launcher.Running.FirstOrDefault(l => l.Name == register.Name && l.Pid == register.Pid);
            var host = new Host(register.Name, register.Pid, register.Agent, launched);
            if (_shuttingDown)
            {
                register.Agent.Tell(ShutdownHost.Instance);
                return;
            }
            Context.Watch(register.Agent);
            if (register.Kind == HostKind.Node)
            {
                _hostAddresses[register.Name] = register.Agent.Path.Address.ToString();
                _nodes.Add(host);
                CheckReadiness();
                return;
            }
            _launchingSpawnHosts.Remove(register.Name);
            if (_waitingForSpawnHost.TryDequeue(out var run)) Dispatch(host, run);
            else _spares.Add(host);
            CheckSpares();
        });

        Receive<ListHosts>(_ =>
        {
            var nodes = _nodes.Select(n => new HostSeen(n.Name, HostKind.Node, n.Pid, _hostAddresses.GetValueOrDefault(n.Name, ""), null, n.Launched is not null));
            var spawnHosts = _launcher.Running.Where(l => l.Kind == HostKind.SpawnHost).Select(l => new HostSeen(l.Name, HostKind.SpawnHost, l.Pid,
                _hostAddresses.GetValueOrDefault(l.Name, ""),
                _busySpawnHosts.Contains(l.Name) ? "busy" : _launchingSpawnHosts.Contains(l.Name) ? "starting" : "spare", Local: true));
            Sender.Tell(new HostList([.. nodes, .. spawnHosts]));
        });

        Receive<PlaceProcess>(place =>
        {
            if (_shuttingDown)
            {
                place.Run.Supervisor.Tell(new PlacementFailed(place.Run.ProcessId, "the coordinator is shutting down"));
                return;
            }
            if (place.Spawn)
            {
                _spareTarget.Observe(_busySpawnHosts.Count + _waitingForSpawnHost.Count + 1);
                if (_spares.Count > 0)
                {
                    var spare = _spares[0];
                    _spares.RemoveAt(0);
                    _connectedSpares.Remove(spare.Name);
                    Dispatch(spare, place.Run);
                }
                else _waitingForSpawnHost.Enqueue(place.Run);
                TopUpSpawnHosts();
                return;
            }
            if (_nodes.Count == 0)
            {
                place.Run.Supervisor.Tell(new PlacementFailed(place.Run.ProcessId,
                    "no worker node is up for the 'actor' start method (multiprocessing.workers = 0 and none joined)"));
                return;
            }
            Dispatch(_nodes[_nextNode++ % _nodes.Count], place.Run);
        });

        Receive<LocalHostExited>(exited =>
        {
            var name = exited.Host.Name;
            // Python's resource tracker: a host that did not end cleanly could not hand its shared memory blocks over.
            if (exited.OsExitCode != 0) SharedMemory.SharedMemoryTracker.Sweep();
            if (_launchingSpawnHosts.Remove(name) && _waitingForSpawnHost.TryDequeue(out var orphan))
            {
                // A spawn host died before it could take work: fail one waiting process rather than loop.
                orphan.Supervisor.Tell(new PlacementFailed(orphan.ProcessId,
                    $"the host OS process {name} exited with code {exited.OsExitCode} before it was ready. Its last output:{Environment.NewLine}{exited.Host.Tail()}"));
            }
            var host = Forget(name);
            AnnounceGone(name, exited.Host.Kind);
            if (host is not null && exited.Host.Kind == HostKind.Node) _down(host.Agent.Path.Address);
            Lost(name, Signals.ToExitCode(exited.OsExitCode));
            var proxy = Context.Child(name);
            if (!proxy.IsNobody()) Context.Stop(proxy);
            TopUpSpawnHosts();
            if (exited.Host.Kind == HostKind.Node && host is null)
                foreach (var waiter in _readinessWaiters.ToList())
                    Fail(waiter, $"{name} (pid {exited.Host.Pid}) exited with code {exited.OsExitCode} before it was Up. Its last output:{Environment.NewLine}{exited.Host.Tail()}");
        });

        Receive<Terminated>(terminated =>
        {
            var host = _nodes.Concat(_spares).FirstOrDefault(h => h.Agent.Equals(terminated.ActorRef));
            if (host is null) return;
            var kind = _nodes.Contains(host) ? HostKind.Node : HostKind.SpawnHost;
            Forget(host.Name);
            AnnounceGone(host.Name, kind);
            Lost(host.Name, -Signals.Kill);
        });

        Receive<ShutdownAll>(shutdown =>
        {
            _shuttingDown = true;
            _sparesEnabled = false;
            foreach (var spare in _spares) spare.Agent.Tell(ShutdownHost.Instance);
            // The whole cluster ends: its worker nodes are downed, which ends them at once, rather
            // than asked to leave. Leaving all at once, they waited for the Manager's shard
            // coordinator (a singleton on the oldest worker) to find a next home: 3 s, and a
            // "cluster-exiting timed out" warning, at every exit of a program that used a Manager.
            foreach (var node in _nodes) _down(node.Agent.Path.Address);
            foreach (var run in _waitingForSpawnHost)
                run.Supervisor.Tell(new PlacementFailed(run.ProcessId, "the coordinator is shutting down"));
            _waitingForSpawnHost.Clear();
            var replyTo = Sender;
            _launcher.StopAllAsync(shutdown.Grace).PipeTo(replyTo, success: () => new AllStopped());
        });
    }

    // Hosts hear at once that a host's actors are dead (see HostDeathWatch): the OS told us it
    // exited, or the cluster removed it, which no failure detector can be sure of so soon. Cluster
    // members learn of a node's loss from the cluster itself (NodeReachability names it); spawn
    // hosts are not members, and only this announcement tells anyone of theirs.
    private void AnnounceGone(string name, HostKind kind)
    {
        if (!_hostAddresses.Remove(name, out var address)) return;
        var gone = new HostGone(address);
        if (kind == HostKind.SpawnHost)
        {
            Context.System.EventStream.Publish(gone);
            foreach (var node in _nodes) node.Agent.Tell(gone);
        }
        foreach (var proxy in Context.GetChildren()) proxy.Tell(gone);
    }

    private LaunchedHost Launch(string name, HostKind kind)
    {
        var self = Self; // the exit callback runs on a pool thread, outside this actor's context
        var host = _launcher.Launch(name, kind, (host, code) => self.Tell(new LocalHostExited(host, code)));
        // A spawn host speaks through its pipes: its proxy registers it once it is ready.
        if (kind == HostKind.SpawnHost) Context.ActorOf(SpawnHostProxyActor.Props(host, host.Channel, self), name);
        return host;
    }

    private void Dispatch(Host host, RunProcess run)
    {
        if (!_nodes.Contains(host)) _busySpawnHosts.Add(host.Name);
        if (!_supervisorsByHost.TryGetValue(host.Name, out var supervisors))
            _supervisorsByHost[host.Name] = supervisors = [];
        supervisors.Add(run.Supervisor);
        run.Supervisor.Tell(new ProcessPlaced(run.ProcessId, host.Name));
        Transfers.PayloadTransfers.Get(Context.System).Tell(host.Agent, run);
    }

    // Spares plus one fresh host for every process still waiting, minus those on their way.
    private void TopUpSpawnHosts()
    {
        if (_shuttingDown) return;
        var wanted = _waitingForSpawnHost.Count + (_sparesEnabled ? _spareTarget.Count : 0);
        for (var missing = wanted - _spares.Count - _launchingSpawnHosts.Count; missing > 0; missing--)
        {
            var name = $"spawn-{++_spawnHostCounter}";
            _launchingSpawnHosts.Add(name);
            Launch(name, HostKind.SpawnHost);
        }
    }

    private Host? Forget(string name)
    {
        _busySpawnHosts.Remove(name);
        var host = _nodes.FirstOrDefault(h => h.Name == name) ?? _spares.FirstOrDefault(h => h.Name == name);
        if (host is null) return null;
        Context.Unwatch(host.Agent);
        _nodes.Remove(host);
        _spares.Remove(host);
        _connectedSpares.Remove(host.Name);
        return host;
    }

    private void Lost(string name, int exitCode)
    {
        if (!_supervisorsByHost.Remove(name, out var supervisors)) return;
        foreach (var supervisor in supervisors) supervisor.Tell(new HostLost(name, exitCode));
    }

    private void CheckReadiness()
    {
        foreach (var waiter in _readinessWaiters.Where(w => _nodes.Count >= w.Count).ToList())
        {
            _readinessWaiters.Remove(waiter);
            Timers.Cancel(waiter.Id);
            waiter.ReplyTo.Tell(new NodesReady([.. _nodes.Select(n => n.Name)]));
        }
    }

    // Ready means connected too where spares connect ahead (spawn.connect-ahead-after).
    private void CheckSpares()
    {
        var ready = _settings.SpawnConnectAheadAfter is null ? _spares.Count : _connectedSpares.Count;
        if (ready < _spareTarget.Count) return;
        foreach (var waiter in _sparesWaiters) waiter.Tell(new SparesReady(_spares.Count));
        _sparesWaiters.Clear();
    }

    private void Fail(ReadinessWaiter waiter, string detail)
    {
        _readinessWaiters.Remove(waiter);
        Timers.Cancel(waiter.Id);
        waiter.ReplyTo.Tell(new Status.Failure(new MpWorkerStartupException("Workers failed to start. " + detail)));
    }

    public static Props Props(LocalHostLauncher launcher, MpSettings settings, Action<Address> down) =>
        Akka.Actor.Props.Create(() => new HostRegistryActor(launcher, settings, down));
}
