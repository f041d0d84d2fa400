namespace Multiprocessing;

/// <summary>What <see cref="Mp.StartAsync"/> is told beyond the embedded defaults. Each set value overrides the HOCON.</summary>
public sealed record MpOptions
{
    /// <summary>A HOCON file that overrides the embedded reference.conf (see hocon/).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>HOCON text applied over <see cref="ConfigFile"/>.</summary>
    public string? Config { get; init; }

    /// <summary>Local worker nodes to start (multiprocessing.workers).</summary>
    public int? Workers { get; init; }

    /// <summary>The default start method (multiprocessing.start-method).</summary>
    public MpStartMethod? StartMethod { get; init; }

    /// <summary>
    /// The cluster's credentials file, made by <c>Coordinator keygen FILE</c> (multiprocessing.security.auth-file):
    /// needed when remoting binds beyond loopback, and by workers started by hand (<c>WorkerNode --auth FILE</c>).
    /// </summary>
    public string? AuthFile { get; init; }
}
