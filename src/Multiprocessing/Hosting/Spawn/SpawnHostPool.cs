using Akka.Actor;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting.Spawn;

/// <summary>
/// The registry's single-use spawn hosts: the spares standing ready, those launching (each either a spare on its way or
/// the host a process waits for), those busy running a process. A plain state kept by <see cref="HostRegistryActor"/>,
/// which launches what it says and dispatches what it hands out.
/// </summary>
internal sealed class SpawnHostPool(SpareTarget target, bool spareReadyWhenConnected, ReadySpares spares)
{
    /// <summary>Where a process goes: <see cref="Ready"/> now, or host <see cref="Launching"/> once it registers (launch it now if <see cref="Launch"/>).</summary>
    public sealed record Choice(RegisteredHost? Ready, string? Launching, bool Launch);

    private readonly HashSet<string> _connected = [];
    // In launch order: on a shared CPU the host launched first is ready first, so a process takes the oldest.
    private readonly List<string> _launching = [];
    private readonly Dictionary<string, int> _launchingPids = [];
    private readonly Dictionary<string, RunProcess> _waitingFor = [];
    // Exited while starting, its registration perhaps still in the mailbox (few: each such death is an error, and logged).
    private readonly HashSet<string> _diedStarting = [];
    private readonly HashSet<string> _busy = [];
    private readonly List<IActorRef> _readyWaiters = [];
    private int _launched;
    private bool _sparesEnabled;
    private bool _closed;

    /// <summary>Keep spares from now on (once the coordinator's own start is done: they would compete with it).</summary>
    public void EnableSpares() => _sparesEnabled = true;

    /// <summary>
    /// The host for <paramref name="run"/>: a spare standing ready, else the oldest launching host no process waits
    /// for yet, else a new one. The process is bound to it at once, so that its pid is known before the host is ready.
    /// </summary>
    public Choice Take(RunProcess run)
    {
        target.Observe(_busy.Count + _waitingFor.Count + 1);
        if (spares.Claim() is { } spare) return Claimed(spare.Name)!;
        var launching = _launching.FirstOrDefault(name => !_waitingFor.ContainsKey(name));
        var launch = launching is null;
        if (launch) _launching.Add(launching = NewName());
        _waitingFor[launching!] = run;
        return new Choice(null, launching, launch);
    }

    /// <summary>The spare a Start claimed as <paramref name="name"/> (<see cref="ReadySpares.Claim"/>), for its process; null if it is gone since.</summary>
    public Choice? Claimed(string name)
    {
        target.Observe(_busy.Count + _waitingFor.Count + 1);
        if (spares.TakeClaimed(name) is not { } spare) return null;
        _connected.Remove(name);
        return new Choice(spare, null, false);
    }

    /// <summary>Host <paramref name="name"/> was launched and has neither registered nor exited.</summary>
    public bool IsStarting(string name) => _launching.Contains(name);

    /// <summary>True (once) for a host whose OS process exited while it was starting: a registration read after that is stale.</summary>
    public bool DiedBeforeRegistering(string name) => _diedStarting.Remove(name);

    /// <summary>A host of this pool registered: the run waiting for it, to dispatch now, or null and it stands spare.</summary>
    public RunProcess? Registered(RegisteredHost host)
    {
        _launching.Remove(host.Name);
        _launchingPids.Remove(host.Name);
        if (_waitingFor.Remove(host.Name, out var run)) return run;
        spares.Add(host);
        return null;
    }

    /// <summary>A spare connected to the cluster ahead of its first process (spawn.connect-ahead-after).</summary>
    public void Connected(string name)
    {
        if (spares.IsReady(name)) _connected.Add(name);
    }

    public void Dispatched(RegisteredHost host) => _busy.Add(host.Name);

    /// <summary>The names of the spares to launch now: the target, minus those standing and those on their way no process waits for.</summary>
    public IReadOnlyList<string> ToLaunch()
    {
        if (_closed || !_sparesEnabled) return [];
        var names = new List<string>();
        var missing = target.Count - spares.Count - (_launching.Count - _waitingFor.Count);
        // Hosts starting at once share the cores: past one per core each is only slower, and a process bound to the
        // oldest waits for it while younger ones take its CPU. Spares wait their turn (a host a process waits for never does).
        for (missing = Math.Min(missing, Environment.ProcessorCount - _launching.Count); missing > 0; missing--)
        {
            var name = NewName();
            _launching.Add(name);
            names.Add(name);
        }
        return names;
    }

    private string NewName() => ActorNames.SpawnHostProxy(++_launched);

    /// <summary>Host <paramref name="name"/>'s OS process was started: <paramref name="pid"/>.</summary>
    public void Launched(string name, int pid) => _launchingPids[name] = pid;

    /// <summary>The pid of host <paramref name="name"/>, launching.</summary>
    public int PidOf(string name) => _launchingPids[name];

    /// <summary>
    /// The OS process of host <paramref name="name"/> exited. If it died before it could take work, the process waiting
    /// for it is returned, to be failed rather than wait for hosts that keep dying.
    /// </summary>
    public RunProcess? Exited(string name) => Gone(name, registrationMayFollow: true);

    /// <summary>Host <paramref name="name"/> could not be launched: the process waiting for it, to be failed, if any.</summary>
    public RunProcess? NotLaunched(string name) => Gone(name, registrationMayFollow: false);

    private RunProcess? Gone(string name, bool registrationMayFollow)
    {
        _launchingPids.Remove(name);
        if (!_launching.Remove(name)) return null;
        if (registrationMayFollow) _diedStarting.Add(name);
        return _waitingFor.Remove(name, out var orphan) ? orphan : null;
    }

    /// <summary>Forgets host <paramref name="name"/> (it is gone); returns it if it stood spare (or claimed).</summary>
    public RegisteredHost? Forget(string name)
    {
        _busy.Remove(name);
        _connected.Remove(name);
        return spares.Forget(name);
    }

    /// <summary>The spare (or claimed one) whose agent is <paramref name="agent"/>, if any.</summary>
    public RegisteredHost? SpareWith(IActorRef agent) => spares.With(agent);

    /// <summary>Spare, starting or busy, for a status.</summary>
    public string StateOf(string name) => _busy.Contains(name) ? "busy" : IsStarting(name) ? "starting" : "spare";

    /// <summary><paramref name="waiter"/> is told <see cref="HostRegistryActor.SparesReady"/> once the spares stand ready.</summary>
    public void AwaitReady(IActorRef waiter)
    {
        _readyWaiters.Add(waiter);
        TellIfReady();
    }

    // Ready means connected too where spares connect ahead.
    public void TellIfReady()
    {
        var ready = spareReadyWhenConnected ? _connected.Count : spares.Count;
        if (ready < target.Count) return;
        foreach (var waiter in _readyWaiters) waiter.Tell(new HostRegistryActor.SparesReady(spares.Count));
        _readyWaiters.Clear();
    }

    /// <summary>The coordinator shuts down: no more spares; returns those standing (to be shut down) and the processes that waited (to be failed).</summary>
    public (IReadOnlyList<RegisteredHost> Spares, IReadOnlyList<RunProcess> Waiting) Close()
    {
        _closed = true;
        var waiting = _waitingFor.Values.ToList();
        _waitingFor.Clear();
        return (spares.TakeAll(), waiting);
    }
}
