using Akka.Actor;
using Akka.Event;
using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// The coordinator's view of every host: the worker nodes (local or joined from other machines,
/// <see cref="WorkerNodes"/>) and the pool of pre-started single-use spawn hosts
/// (<see cref="SpawnHostPool"/>). It places processes, keeps the spares topped up, tells supervisors
/// when a host dies, and shuts hosts down (a behaviour of its own: nothing starts any more).
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
    /// <param name="AfterLastFrame">For a spawn host: its proxy has passed on every frame the host wrote before it ended.</param>
    private sealed record LocalHostExited(LaunchedHost Host, int OsExitCode, bool AfterLastFrame = false);
    private sealed record ReadinessTimedOut(int WaiterId);
    // Also the key of its timer: one per spawn host starting.
    private sealed record SpawnHostReadyDeadline(string Name);

    private readonly LocalHostLauncher _launcher;
    private readonly MpSettings _settings;
    private readonly Action<Address> _down;
    private readonly WorkerNodes _nodes;
    private readonly SpawnHostPool _spawnHosts;
    // What every host needs, node or spawn host: its address, for announcing its loss, and the supervisors of the
    // processes placed on it, to tell when it is lost.
    private readonly Dictionary<string, string> _hostAddresses = [];
    private readonly Dictionary<string, HashSet<IActorRef>> _supervisorsByHost = [];

    public ITimerScheduler Timers { get; set; } = null!;

    public HostRegistryActor(LocalHostLauncher launcher, MpSettings settings, NodeRoundRobin nodes, ReadySpares spares, Action<Address> down)
    {
        _launcher = launcher;
        _nodes = new WorkerNodes(nodes);
        _settings = settings;
        _down = down;
        _spawnHosts = new SpawnHostPool(new SpareTarget(settings.SpawnSpares, settings.SpawnMaxSpares), spareReadyWhenConnected: settings.SpawnConnectAheadAfter is not null, spares);
        Running();
    }

    // Hosts register and processes are placed.
    private void Running()
    {
        Receive<RegisterHost>(register =>
        {
            // A spawn host that said it was ready just before it died: its exit was read first, so it is no spare.
            if (register.Kind == HostKind.SpawnHost)
            {
                Timers.Cancel(new SpawnHostReadyDeadline(register.Name));
                if (_spawnHosts.DiedBeforeRegistering(register.Name)) return;
            }
            var launched = _launcher.Running.FirstOrDefault(l => l.Name == register.Name && l.Pid == register.Pid);
            var host = new RegisteredHost(register.Name, register.Pid, register.Agent, launched);
            Context.Watch(register.Agent);
            if (register.Kind == HostKind.Node)
            {
                _hostAddresses[register.Name] = register.Agent.Path.Address.ToString();
                _nodes.Registered(host);
                CheckReadiness();
                return;
            }
            if (_spawnHosts.Registered(host) is { } run) DispatchToSpawnHost(host, run);
            TopUpSpawnHosts(); // a launch slot is free
            _spawnHosts.TellIfReady();
        });

        Receive<PlaceProcess>(place =>
        {
            if (place.Spawn)
            {
                // A spare its Start claimed (and whose pid it returned with), else one taken here.
                if ((place.Node is { } claimed ? _spawnHosts.Claimed(claimed) : _spawnHosts.Take(place.Run)) is not { } choice)
                {
                    place.Run.Supervisor.Tell(new HostLost(place.Node!, -Signals.Kill)); // that spare is gone since
                    TopUpSpawnHosts();
                    return;
                }
                if (choice.Ready is { } spare)
                {
                    Placed(place.Run, spare.Name, spare.Pid);
                    DispatchToSpawnHost(spare, place.Run);
                }
                else
                {
                    // Placed before its host is ready, so that Start returns with the pid: the host's OS process exists.
                    var name = choice.Launching!;
                    if (!choice.Launch || TryLaunch(name, HostKind.SpawnHost) is not null) Placed(place.Run, name, _spawnHosts.PidOf(name));
                }
                TopUpSpawnHosts();
                return;
            }
            // The node its Start chose (and whose pid it returned with) is gone: the process ends as with that node.
            if (place.Node is { } chosen && !_nodes.Contains(chosen))
            {
                place.Run.Supervisor.Tell(new HostLost(chosen, -Signals.Kill));
                return;
            }
            if ((place.Node is { } named ? _nodes.Named(named) : _nodes.Next()) is { } node)
            {
                Placed(place.Run, node.Name, node.Pid);
                Dispatch(node, place.Run);
            }
            else
                place.Run.Supervisor.Tell(new PlacementFailed(place.Run.ProcessId,
                    "no worker node is up for the 'actor' start method (multiprocessing.workers = 0 and none joined)"));
        });

        Receive<ShutdownAll>(shutdown =>
        {
            Become(ShuttingDown);
            var (spares, waiting) = _spawnHosts.Close();
            foreach (var spare in spares) spare.Agent.Tell(ShutdownHost.Instance);
            // The whole cluster ends: its worker nodes are downed, which ends them at once, rather
            // than asked to leave. Leaving all at once, they waited for the Manager's shard
            // coordinator (a singleton on the oldest worker) to find a next home: 3 s, and a
            // "cluster-exiting timed out" warning, at every exit of a program that used a Manager.
            foreach (var node in _nodes.Up) _down(node.Agent.Path.Address);
            foreach (var run in waiting) run.Supervisor.Tell(new PlacementFailed(run.ProcessId, "the coordinator is shutting down"));
            var replyTo = Sender;
            _launcher.StopAllAsync(shutdown.Grace).PipeTo(replyTo, success: () => new AllStopped());
        });

        Hosts();
    }

    // Nothing more starts: a host that registers now is told to end, a process to place fails.
    private void ShuttingDown()
    {
        Receive<RegisterHost>(register => register.Agent.Tell(ShutdownHost.Instance));
        Receive<PlaceProcess>(place => place.Run.Supervisor.Tell(new PlacementFailed(place.Run.ProcessId, "the coordinator is shutting down")));
        Receive<ShutdownAll>(shutdown => _launcher.StopAllAsync(shutdown.Grace).PipeTo(Sender, success: () => new AllStopped()));
        Hosts();
    }

    // What the registry does whether it runs or shuts down: launching, readiness, listing, and hosts that end.
    private void Hosts()
    {
        Receive<LaunchNodes>(launch =>
        {
            for (var i = 0; i < launch.Count; i++)
            {
                var name = _nodes.NextName();
                if (TryLaunch(name, HostKind.Node) is { } node) _nodes.Launched(node);
                else break; // the next would fail alike: the start fails now, naming why
            }
            CheckReadiness();
        });

        Receive<AwaitNodes>(wait =>
        {
            var waiter = _nodes.Await(wait.Count, Sender);
            Timers.StartSingleTimer(waiter.Id, new ReadinessTimedOut(waiter.Id), wait.Timeout);
            CheckReadiness();
        });

        Receive<ReadinessTimedOut>(timedOut =>
        {
            if (_nodes.Take(timedOut.WaiterId) is not { } waiter) return;
            var detail = string.Join(Environment.NewLine, _nodes.NotUp().Select(m =>
                $"{m.Name} (pid {m.Pid}) was not Up after {_settings.WorkerReadyTimeout.TotalSeconds:0.#} s. Its last output:{Environment.NewLine}{m.Tail()}"));
            Fail(waiter, detail.Length > 0 ? detail : $"Only {_nodes.Up.Count} of {waiter.Count} worker nodes joined.");
        });

        Receive<AwaitSpares>(_ => _spawnHosts.AwaitReady(Sender));

        Receive<SpareConnected>(connected =>
        {
            _spawnHosts.Connected(connected.Name);
            _spawnHosts.TellIfReady();
        });

        // A spawn host's agent is its local proxy: its address comes once its actor system is up.
        Receive<SpawnHostJoined>(joined => _hostAddresses[joined.Name] = joined.Address);

        Receive<EnableSpares>(_ =>
        {
            _spawnHosts.EnableSpares();
            TopUpSpawnHosts();
        });

        Receive<ListHosts>(_ =>
        {
            var nodes = _nodes.Up.Select(n => new HostSeen(n.Name, HostKind.Node, n.Pid, _hostAddresses.GetValueOrDefault(n.Name, ""), null, n.Launched is not null));
            var spawnHosts = _launcher.Running.Where(l => l.Kind == HostKind.SpawnHost).Select(l => new HostSeen(l.Name, HostKind.SpawnHost, l.Pid,
                _hostAddresses.GetValueOrDefault(l.Name, ""), _spawnHosts.StateOf(l.Name), Local: true));
            Sender.Tell(new HostList([.. nodes, .. spawnHosts]));
        });

        Receive<LocalHostExited>(exited =>
        {
            var name = exited.Host.Name;
            var proxy = Context.Child(name);
            if (exited.Host.Kind == HostKind.SpawnHost && !exited.AfterLastFrame && !proxy.IsNobody())
            {
                proxy.Tell(new SpawnHostProxyActor.AfterLastFrame(exited with { AfterLastFrame = true }));
                return;
            }
            // Python's resource tracker: a host that did not end cleanly could not hand its shared memory blocks over.
            if (exited.OsExitCode != 0) SharedMemory.SharedMemoryTracker.Sweep();
            // A spawn host died before it could take the process waiting for it, which ends with it (killed: with the
            // signal, as a running one would, since its pid was that process's) and says why.
            var exitCode = Signals.ToExitCode(exited.OsExitCode);
            if (_spawnHosts.Exited(name) is { } orphan)
                orphan.Supervisor.Tell(new PlacementFailed(orphan.ProcessId,
                    $"the host OS process {name} exited with code {exited.OsExitCode} before it was ready. Its last output:{Environment.NewLine}{exited.Host.Tail()}",
                    exitCode < 0 ? exitCode : 1));
            var host = Forget(name);
            AnnounceGone(name, exited.Host.Kind);
            if (host is not null && exited.Host.Kind == HostKind.Node) _down(host.Agent.Path.Address);
            Lost(name, exitCode);
            if (!proxy.IsNobody()) Context.Stop(proxy);
            TopUpSpawnHosts();
            if (exited.Host.Kind == HostKind.Node && host is null)
                foreach (var waiter in _nodes.TakeAll())
                    Fail(waiter, $"{name} (pid {exited.Host.Pid}) exited with code {exited.OsExitCode} before it was Up. Its last output:{Environment.NewLine}{exited.Host.Tail()}");
        });

        // A spawn host that hangs while starting would hold its process (bound to it by Start) and a launch slot for good:
        // the process fails, naming why, and the host is killed (its exit, read later, fails no one twice).
        Receive<SpawnHostReadyDeadline>(deadline =>
        {
            if (!_spawnHosts.IsStarting(deadline.Name) || _launcher.Running.FirstOrDefault(l => l.Name == deadline.Name) is not { } host) return;
            var reason = $"the host OS process {host.Name} (pid {host.Pid}) was not ready after worker-ready-timeout " +
                         $"({_settings.WorkerReadyTimeout.TotalSeconds:0.#} s) and was killed. Its last output:{Environment.NewLine}{host.Tail()}";
            Context.GetLogger().Warning(reason);
            try { host.Os.Kill(); }
            catch (InvalidOperationException) { } // it ended on its own meanwhile: its exit is on its way here
            if (_spawnHosts.Exited(host.Name) is { } orphan) orphan.Supervisor.Tell(new PlacementFailed(orphan.ProcessId, reason));
        });

        Receive<Terminated>(terminated =>
        {
            var node = _nodes.With(terminated.ActorRef);
            var host = node ?? _spawnHosts.SpareWith(terminated.ActorRef);
            if (host is null) return;
            Forget(host.Name);
            AnnounceGone(host.Name, node is not null ? HostKind.Node : HostKind.SpawnHost);
            Lost(host.Name, -Signals.Kill);
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
            foreach (var node in _nodes.Up) node.Agent.Tell(gone);
        }
        foreach (var proxy in Context.GetChildren()) proxy.Tell(gone);
    }

    // A host that cannot even be launched (no worker program, no more processes) fails whoever waits for it, naming why;
    // the registry goes on: a throw would restart it, and it would forget every host it knows.
    private LaunchedHost? TryLaunch(string name, HostKind kind)
    {
        var self = Self; // the exit callback runs on a pool thread, outside this actor's context
        LaunchedHost host;
        try
        {
            host = _launcher.Launch(name, kind, (host, code) => self.Tell(new LocalHostExited(host, code)));
        }
        catch (Exception e)
        {
            // Whatever the launch threw (a missing program, a bad path, no permission, no more processes): the waiter gets the
            // reason; the log says it once a launch, without a trace, as spare top-ups may try again at every placement.
            Context.GetLogger().Warning("could not launch host {0}: {1}", name, e.Message);
            var reason = $"could not launch the host OS process {name}: {e.Message}";
            if (kind == HostKind.Node) _nodes.LaunchFailed(reason);
            else if (_spawnHosts.NotLaunched(name) is { } orphan) orphan.Supervisor.Tell(new PlacementFailed(orphan.ProcessId, reason));
            return null;
        }
        // A spawn host speaks through its pipes: its proxy registers it once it is ready, within worker-ready-timeout.
        if (kind == HostKind.SpawnHost)
        {
            _spawnHosts.Launched(name, host.Pid);
            Context.ActorOf(SpawnHostProxyActor.Props(host, host.Channel, self), name);
            Timers.StartSingleTimer(new SpawnHostReadyDeadline(name), new SpawnHostReadyDeadline(name), _settings.WorkerReadyTimeout);
        }
        return host;
    }

    private void DispatchToSpawnHost(RegisteredHost host, RunProcess run)
    {
        _spawnHosts.Dispatched(host);
        Dispatch(host, run);
    }

    // The supervisor learns the host and its pid; it hears from here if that host is lost.
    private void Placed(RunProcess run, string host, int pid)
    {
        if (!_supervisorsByHost.TryGetValue(host, out var supervisors))
            _supervisorsByHost[host] = supervisors = [];
        supervisors.Add(run.Supervisor);
        run.Supervisor.Tell(new ProcessPlaced(run.ProcessId, host, pid));
    }

    private void Dispatch(RegisteredHost host, RunProcess run) => Transfers.PayloadTransfers.Get(Context.System).Tell(host.Agent, run);

    private void TopUpSpawnHosts()
    {
        foreach (var name in _spawnHosts.ToLaunch()) TryLaunch(name, HostKind.SpawnHost);
    }

    // A host is gone: it is no node and no spare any more, and its agent is not watched.
    private RegisteredHost? Forget(string name)
    {
        var node = _nodes.Forget(name);
        var spare = _spawnHosts.Forget(name);
        var host = node ?? spare;
        if (host is not null) Context.Unwatch(host.Agent);
        return host;
    }

    private void Lost(string name, int exitCode)
    {
        if (!_supervisorsByHost.Remove(name, out var supervisors)) return;
        foreach (var supervisor in supervisors) supervisor.Tell(new HostLost(name, exitCode));
    }

    private void CheckReadiness()
    {
        foreach (var waiter in _nodes.TakeSatisfied())
        {
            Timers.Cancel(waiter.Id);
            waiter.ReplyTo.Tell(new NodesReady([.. _nodes.Up.Select(n => n.Name)]));
        }
        if (_nodes.LaunchFailure is { } failure)
            foreach (var waiter in _nodes.TakeAll()) Fail(waiter, failure);
    }

    private void Fail(WorkerNodes.ReadinessWaiter waiter, string detail)
    {
        Timers.Cancel(waiter.Id);
        waiter.ReplyTo.Tell(new Status.Failure(new MpWorkerStartupException("Workers failed to start. " + detail)));
    }

    public static Props Props(LocalHostLauncher launcher, MpSettings settings, NodeRoundRobin nodes, ReadySpares spares, Action<Address> down) =>
        Akka.Actor.Props.Create(() => new HostRegistryActor(launcher, settings, nodes, spares, down));
}
