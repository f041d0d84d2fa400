namespace Multiprocessing.Hosting;

/// <summary>
/// The worker nodes that are up, in the order they registered, and where the next actor-mode process goes (round
/// robin). Only the registry changes it; a <c>Start</c> on the coordinator picks from it on its own thread, so that the
/// process's pid is known when <c>Start</c> returns without waiting for the registry (which then places it there).
/// </summary>
internal sealed class NodeRoundRobin
{
    // Replaced whole on every change (by the registry alone): a reader holds one consistent list.
    private RegisteredHost[] _up = [];
    private int _next = -1;

    public IReadOnlyList<RegisteredHost> Up => Volatile.Read(ref _up);

    public void Add(RegisteredHost node) => Volatile.Write(ref _up, [.. _up, node]);

    /// <summary>Removes node <paramref name="name"/>; returns it if it was up.</summary>
    public RegisteredHost? Remove(string name)
    {
        var node = Named(name);
        if (node is not null) Volatile.Write(ref _up, [.. _up.Where(n => n != node)]);
        return node;
    }

    public RegisteredHost? Named(string name) => Volatile.Read(ref _up).FirstOrDefault(n => n.Name == name);

    /// <summary>Where the next process goes; null while no node is up.</summary>
    public RegisteredHost? Next()
    {
        var up = Volatile.Read(ref _up);
        return up.Length == 0 ? null : up[(int)((uint)Interlocked.Increment(ref _next) % (uint)up.Length)];
    }
}
