using Akka.Actor;

namespace Multiprocessing.Hosting;

/// <summary>
/// The registry's worker nodes: those this coordinator launched, those registered (up, local or joined by hand), where
/// the next process goes (round robin, <see cref="NodeRoundRobin"/>, which Start on the coordinator reads too), and who
/// waits for how many to be up. A plain state kept by <see cref="HostRegistryActor"/>.
/// </summary>
internal sealed class WorkerNodes(NodeRoundRobin up)
{
    public sealed record ReadinessWaiter(int Id, int Count, IActorRef ReplyTo);

    private readonly List<LaunchedHost> _launched = [];
    private readonly List<ReadinessWaiter> _waiters = [];
    private int _nextWaiter;

    public IReadOnlyList<RegisteredHost> Up => up.Up;

    /// <summary>The name of the next node this coordinator launches.</summary>
    public string NextName() => $"worker-{_launched.Count + 1}";

    public void Launched(LaunchedHost node) => _launched.Add(node);

    /// <summary>Why a node this coordinator had to launch could not be; null while none failed. Waiters not yet answered fail with it.</summary>
    public string? LaunchFailure { get; private set; }

    public void LaunchFailed(string reason) => LaunchFailure ??= reason;

    public void Registered(RegisteredHost node) => up.Add(node);

    /// <summary>Where the next process goes (round robin); null while no node is up.</summary>
    public RegisteredHost? Next() => up.Next();

    public RegisteredHost? Named(string name) => up.Named(name);

    public bool Contains(string name) => up.Named(name) is not null;

    public RegisteredHost? With(IActorRef agent) => Up.FirstOrDefault(n => n.Agent.Equals(agent));

    /// <summary>Forgets node <paramref name="name"/> (it is gone); returns it if it was up.</summary>
    public RegisteredHost? Forget(string name) => up.Remove(name);

    public ReadinessWaiter Await(int count, IActorRef replyTo)
    {
        var waiter = new ReadinessWaiter(++_nextWaiter, count, replyTo);
        _waiters.Add(waiter);
        return waiter;
    }

    /// <summary>The waiters whose count is up now, no longer waiting.</summary>
    public IReadOnlyList<ReadinessWaiter> TakeSatisfied()
    {
        var satisfied = _waiters.Where(w => Up.Count >= w.Count).ToList();
        foreach (var waiter in satisfied) _waiters.Remove(waiter);
        return satisfied;
    }

    /// <summary>Every waiter, none waiting any more (a node died before it was up, or could not be launched: they all fail).</summary>
    public IReadOnlyList<ReadinessWaiter> TakeAll()
    {
        var all = _waiters.ToList();
        _waiters.Clear();
        return all;
    }

    /// <summary>Waiter <paramref name="id"/>, no longer waiting; null if it was answered already.</summary>
    public ReadinessWaiter? Take(int id)
    {
        var waiter = _waiters.Find(w => w.Id == id);
        if (waiter is not null) _waiters.Remove(waiter);
        return waiter;
    }

    /// <summary>The nodes this coordinator launched that are not up.</summary>
    public IReadOnlyList<LaunchedHost> NotUp() => [.. _launched.Where(l => !Contains(l.Name))];
}
