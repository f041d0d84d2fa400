using Akka.Actor;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting.Spawn;

/// <summary>
/// The registry's single-use spawn hosts: the spares standing ready, those launching, those busy running a process, and
/// the processes waiting for one. A plain state kept by <see cref="HostRegistryActor"/>, which launches what it says and
/// dispatches what it hands out.
/// </summary>
internal sealed class SpawnHostPool(SpareTarget target, bool spareReadyWhenConnected)
{
    private readonly List<RegisteredHost> _spares = [];
    private readonly HashSet<string> _connected = [];
    private readonly Queue<RunProcess> _waiting = new();
    private readonly HashSet<string> _launching = [];
    private readonly HashSet<string> _busy = [];
    private readonly List<IActorRef> _readyWaiters = [];
    private int _launched;
    private bool _sparesEnabled;
    private bool _closed;

    /// <summary>Keep spares from now on (once the coordinator's own start is done: they would compete with it).</summary>
    public void EnableSpares() => _sparesEnabled = true;

    /// <summary>A spare for <paramref name="run"/>, taken from the pool; null if none: the run waits for the next host that registers.</summary>
    public RegisteredHost? Take(RunProcess run)
    {
        target.Observe(_busy.Count + _waiting.Count + 1);
        if (_spares.Count == 0)
        {
            _waiting.Enqueue(run);
            return null;
        }
        var spare = _spares[0];
        _spares.RemoveAt(0);
        _connected.Remove(spare.Name);
        return spare;
    }

    /// <summary>A host of this pool registered: the run it should take now (the longest waiting), or null and it stands spare.</summary>
    public RunProcess? Registered(RegisteredHost host)
    {
        _launching.Remove(host.Name);
        if (_waiting.TryDequeue(out var run)) return run;
        _spares.Add(host);
        return null;
    }

    /// <summary>A spare connected to the cluster ahead of its first process (spawn.connect-ahead-after).</summary>
    public void Connected(string name)
    {
        if (_spares.Any(s => s.Name == name)) _connected.Add(name);
    }

    public void Dispatched(RegisteredHost host) => _busy.Add(host.Name);

    /// <summary>The names of the hosts to launch now: spares plus one for every process still waiting, minus those on their way.</summary>
    public IReadOnlyList<string> ToLaunch()
    {
        if (_closed) return [];
        var wanted = _waiting.Count + (_sparesEnabled ? target.Count : 0);
        var names = new List<string>();
        for (var missing = wanted - _spares.Count - _launching.Count; missing > 0; missing--)
        {
            var name = ActorNames.SpawnHostProxy(++_launched);
            _launching.Add(name);
            names.Add(name);
        }
        return names;
    }

    /// <summary>
    /// The OS process of host <paramref name="name"/> exited. If it died before it could take work, a process waiting
    /// for a host is returned, to be failed rather than wait for hosts that keep dying.
    /// </summary>
    public RunProcess? Exited(string name) =>
        _launching.Remove(name) && _waiting.TryDequeue(out var orphan) ? orphan : null;

    /// <summary>Forgets host <paramref name="name"/> (it is gone); returns it if it stood spare.</summary>
    public RegisteredHost? Forget(string name)
    {
        _busy.Remove(name);
        _connected.Remove(name);
        var spare = _spares.FirstOrDefault(h => h.Name == name);
        if (spare is not null) _spares.Remove(spare);
        return spare;
    }

    /// <summary>The spare whose agent is <paramref name="agent"/>, if any.</summary>
    public RegisteredHost? SpareWith(IActorRef agent) => _spares.FirstOrDefault(h => h.Agent.Equals(agent));

    /// <summary>Spare, starting or busy, for a status.</summary>
    public string StateOf(string name) => _busy.Contains(name) ? "busy" : _launching.Contains(name) ? "starting" : "spare";

    /// <summary><paramref name="waiter"/> is told <see cref="HostRegistryActor.SparesReady"/> once the spares stand ready.</summary>
    public void AwaitReady(IActorRef waiter)
    {
        _readyWaiters.Add(waiter);
        TellIfReady();
    }

    // Ready means connected too where spares connect ahead.
    public void TellIfReady()
    {
        var ready = spareReadyWhenConnected ? _connected.Count : _spares.Count;
        if (ready < target.Count) return;
        foreach (var waiter in _readyWaiters) waiter.Tell(new HostRegistryActor.SparesReady(_spares.Count));
        _readyWaiters.Clear();
    }

    /// <summary>The coordinator shuts down: no more spares; returns those standing (to be shut down) and the processes that waited (to be failed).</summary>
    public (IReadOnlyList<RegisteredHost> Spares, IReadOnlyList<RunProcess> Waiting) Close()
    {
        _closed = true;
        var waiting = _waiting.ToList();
        _waiting.Clear();
        return (_spares.ToList(), waiting);
    }
}
