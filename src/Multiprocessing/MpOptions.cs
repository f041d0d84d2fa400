using Microsoft.Extensions.Logging;

namespace Multiprocessing;

/// <summary>
/// What <see cref="Mp.StartAsync"/> is told beyond the embedded defaults. Each set value overrides the HOCON.
/// With the generic host, <c>AddMultiprocessing</c> binds it from the configuration section <see cref="SectionName"/>.
/// </summary>
public sealed record MpOptions
{
    /// <summary>The configuration section <c>AddMultiprocessing</c> binds by default (appsettings.json, <c>Multiprocessing__Workers=4</c>...).</summary>
    public const string SectionName = "Multiprocessing";

    /// <summary>A HOCON file that overrides the embedded reference.conf (see hocon/).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>HOCON text applied over <see cref="ConfigFile"/>.</summary>
    public string? Config { get; set; }

    /// <summary>Local worker nodes to start (multiprocessing.workers).</summary>
    public int? Workers { get; set; }

    /// <summary>The default start method (multiprocessing.start-method).</summary>
    public MpStartMethod? StartMethod { get; set; }

    /// <summary>
    /// The cluster's credentials file, made by <c>Coordinator keygen FILE</c> (multiprocessing.security.auth-file):
    /// needed when remoting binds beyond loopback, and by workers started by hand (<c>WorkerNode --auth FILE</c>).
    /// </summary>
    public string? AuthFile { get; set; }

    /// <summary>
    /// Where the coordinator logs: Akka's events and the library's diagnostics, and what its local workers and spawn hosts
    /// log (tagged with the host's name and pid, <c>MpHost</c> and <c>MpPid</c>). Null: one line per entry on standard error.
    /// <c>AddMultiprocessing</c> gives the host's. Levels: <c>akka.loglevel</c> (WARNING) decides what is logged at all.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
