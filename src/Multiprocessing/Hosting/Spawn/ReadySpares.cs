using Akka.Actor;

namespace Multiprocessing.Hosting.Spawn;

/// <summary>
/// The spawn hosts standing ready, oldest first. The registry adds and forgets them; a spawn <c>Start</c> on the
/// coordinator claims one itself, so that it returns with the process's pid without waiting for the registry (as it
/// picks a worker node from <see cref="NodeRoundRobin"/>). A claimed spare is kept aside until the registry, told by
/// that process's placement, hands the process to it.
/// </summary>
internal sealed class ReadySpares
{
    private readonly Lock _gate = new();
    private readonly List<RegisteredHost> _ready = [];
    private readonly Dictionary<string, RegisteredHost> _claimed = [];

    public int Count
    {
        get { lock (_gate) return _ready.Count; }
    }

    public void Add(RegisteredHost host)
    {
        lock (_gate) _ready.Add(host);
    }

    /// <summary>The oldest spare, set aside for a process whose placement names it; null if none stands ready.</summary>
    public RegisteredHost? Claim()
    {
        lock (_gate)
        {
            if (_ready.Count == 0) return null;
            var host = _ready[0];
            _ready.RemoveAt(0);
            _claimed[host.Name] = host;
            return host;
        }
    }

    /// <summary>The spare claimed as <paramref name="name"/>, no longer set aside; null if it is gone since.</summary>
    public RegisteredHost? TakeClaimed(string name)
    {
        lock (_gate) return _claimed.Remove(name, out var host) ? host : null;
    }

    public bool IsReady(string name)
    {
        lock (_gate) return _ready.Exists(h => h.Name == name);
    }

    /// <summary>The spare, ready or claimed, whose agent is <paramref name="agent"/>.</summary>
    public RegisteredHost? With(IActorRef agent)
    {
        lock (_gate) return _ready.Concat(_claimed.Values).FirstOrDefault(h => h.Agent.Equals(agent));
    }

    /// <summary>Forgets host <paramref name="name"/> (it is gone); returns it if it stood ready or claimed.</summary>
    public RegisteredHost? Forget(string name)
    {
        lock (_gate)
        {
            var host = _ready.Find(h => h.Name == name);
            if (host is not null) _ready.Remove(host);
            else _claimed.Remove(name, out host);
            return host;
        }
    }

    /// <summary>Every spare, ready or claimed, none kept any more (the coordinator shuts down).</summary>
    public IReadOnlyList<RegisteredHost> TakeAll()
    {
        lock (_gate)
        {
            List<RegisteredHost> all = [.. _ready, .. _claimed.Values];
            _ready.Clear();
            _claimed.Clear();
            return all;
        }
    }
}
