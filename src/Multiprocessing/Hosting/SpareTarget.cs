namespace Multiprocessing.Hosting;

/// <summary>
/// How many idle spawn hosts to keep ready: the configured spares (spawn.spares), grown to the
/// most spawned processes this program has had starting or running at once — a program that
/// starts four workers at a time will do it again, and should find four warm hosts — but never
/// beyond spawn.max-spares.
/// </summary>
internal sealed class SpareTarget(int configured, int max)
{
    public int Count { get; private set; } = configured;

    /// <summary><paramref name="busy"/>: spawned processes starting or running now.</summary>
    public void Observe(int busy) => Count = Math.Max(Count, Math.Min(max, busy));
}
