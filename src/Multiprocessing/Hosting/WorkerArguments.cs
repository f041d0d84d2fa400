using Microsoft.Extensions.Logging;
using Multiprocessing.Logging;

namespace Multiprocessing.Hosting;

/// <summary>
/// The WorkerNode command line. <c>--hocon</c>, <c>--watch-stdin</c>, <c>--auth-stdin</c>, <c>--log-records</c>, <c>--probe</c>,
/// <c>--spawn-host</c> and <c>--connect-ahead-ms</c> are set by a coordinator that launches it.
/// </summary>
internal sealed record WorkerArguments(
    string Seed, string? ConfigFile, string? ConfigText, IReadOnlyList<string> Assemblies, string? Name,
    bool WatchStdin, IReadOnlyList<string> ProbeFolders, bool SpawnHost, TimeSpan? ConnectAheadAfter,
    string? AuthFile, bool CredentialsOnStdin, bool LogRecords)
{
    private const string PlainScheme = "akka.tcp://";
    private const string TlsScheme = "akka.ssl.tcp://";

    public static WorkerArguments Parse(IReadOnlyList<string> args)
    {
        string? seed = null, config = null, configText = null, name = null, auth = null;
        var assemblies = new List<string>();
        var probes = new List<string>();
        bool watchStdin = false, spawnHost = false, authStdin = false, logRecords = false;
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
                case "--auth": auth = Value(); break;
                case "--probe": probes.Add(Value()); break;
                case "--watch-stdin": watchStdin = true; break;
                case "--auth-stdin": authStdin = true; break;
                case "--log-records": logRecords = true; break;
                case "--spawn-host": spawnHost = true; break;
                case "--connect-ahead-ms": connectAheadAfter = TimeSpan.FromMilliseconds(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (seed is null) throw new ArgumentException("--seed is required.");
        if (!seed.StartsWith(PlainScheme, StringComparison.Ordinal) && !seed.StartsWith(TlsScheme, StringComparison.Ordinal))
            throw new ArgumentException($"--seed must look like {TlsScheme}SYSTEM@HOST:PORT (or {PlainScheme}...), not '{seed}'.");
        return new WorkerArguments(seed, config, configText, assemblies, name, watchStdin, probes, spawnHost, connectAheadAfter, auth, authStdin, logRecords);
    }

    /// <summary>
    /// The seed in the scheme of this node's transport: akka.ssl.tcp with TLS, akka.tcp without.
    /// A user may copy either (the README's, or the coordinator's printed address).
    /// </summary>
    public string SeedFor(bool tls) => (tls ? TlsScheme : PlainScheme) + Seed[(Seed.IndexOf("://", StringComparison.Ordinal) + 3)..];

    /// <summary>
    /// Where this host logs: records its coordinator reads on <paramref name="standardError"/> (--log-records), or lines for people.
    /// </summary>
    public ILoggerFactory Loggers(TextWriter standardError) =>
        LogRecords ? HostLogRecord.Writer(standardError) : LineLoggerFactory.StandardError();

    /// <summary>
    /// HOCON over --config and --hocon, applied last: the auth file of --auth, and a port of its
    /// own for a host its coordinator launched (port 0 on the configured hostname: never the
    /// coordinator's fixed port, which the same configuration names).
    /// </summary>
    public string Overrides()
    {
        var overrides = new System.Text.StringBuilder();
        if (AuthFile is not null)
            overrides.AppendLine($"{Security.SecuritySettings.AuthFileKey} = {Runtime.MpConfig.Quote(Path.GetFullPath(AuthFile))}");
        if (WatchStdin) overrides.AppendLine("akka.remote.dot-netty.tcp { port = 0, public-port = 0 }");
        return overrides.ToString();
    }
}
