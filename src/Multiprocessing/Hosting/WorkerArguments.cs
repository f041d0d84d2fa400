namespace Multiprocessing.Hosting;

/// <summary>The WorkerNode command line. <c>--hocon</c>, <c>--watch-stdin</c>, <c>--probe</c>, <c>--spawn-host</c> and <c>--connect-ahead-ms</c> are set by a coordinator that launches it.</summary>
internal sealed record WorkerArguments(
    string Seed, string? ConfigFile, string? ConfigText, IReadOnlyList<string> Assemblies, string? Name,
    bool WatchStdin, IReadOnlyList<string> ProbeFolders, bool SpawnHost, TimeSpan? ConnectAheadAfter)
{
    public static WorkerArguments Parse(IReadOnlyList<string> args)
    {
        string? seed = null, config = null, configText = null, name = null;
        var assemblies = new List<string>();
        var probes = new List<string>();
        bool watchStdin = false, spawnHost = false;
        TimeSpan? connectAheadAfter = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--seed": seed = Value(); break;
                case "--config": config = Value(); break;
                case "--hocon": configText = Value(); break;
                case "--assembly": assemblies.Add(Value()); break;
                case "--name": name = Value(); break;
                case "--probe": probes.Add(Value()); break;
                case "--watch-stdin": watchStdin = true; break;
                case "--spawn-host": spawnHost = true; break;
                case "--connect-ahead-ms": connectAheadAfter = TimeSpan.FromMilliseconds(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (seed is null) throw new ArgumentException("--seed is required.");
        if (!seed.StartsWith("akka.tcp://", StringComparison.Ordinal))
            throw new ArgumentException($"--seed must look like akka.tcp://SYSTEM@HOST:PORT, not '{seed}'.");
        return new WorkerArguments(seed, config, configText, assemblies, name, watchStdin, probes, spawnHost, connectAheadAfter);
    }
}
