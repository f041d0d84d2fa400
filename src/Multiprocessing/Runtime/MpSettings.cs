using Akka.Configuration;

namespace Multiprocessing.Runtime;

/// <summary>The <c>multiprocessing</c> section of the configuration, typed.</summary>
internal sealed record MpSettings(
    int Workers,
    int MinWorkers,
    MpStartMethod StartMethod,
    int SpawnSpares,
    int SpawnMaxSpares,
    TimeSpan? SpawnConnectAheadAfter,
    TimeSpan WorkerReadyTimeout,
    TimeSpan WorkerJoinTimeout,
    TimeSpan ShutdownTimeout,
    TimeSpan CoordinatorLostTimeout,
    TimeSpan AskTimeout,
    string WorkerExecutable,
    long MaximumFrameSize,
    bool DirectLinks,
    TimeSpan DirectLinkHandshakeTimeout,
    TimeSpan SpinBeforeBlocking,
    TimeSpan ManagerResendAfter,
    int ManagerReplicas,
    long PipeUnreadLimit)
{
    public static MpSettings From(Config config)
    {
        var mp = config.GetConfig("multiprocessing");
        return new MpSettings(
            Workers: mp.GetInt("workers"),
            MinWorkers: mp.GetInt("min-workers"),
            StartMethod: StartMethods.Parse(mp.GetString("start-method")),
            SpawnSpares: mp.GetInt("spawn.spares"),
            SpawnMaxSpares: mp.GetString("spawn.max-spares") is "auto" ? 2 * Environment.ProcessorCount : mp.GetInt("spawn.max-spares"),
            SpawnConnectAheadAfter: mp.GetString("spawn.connect-ahead-after") is "off" ? null : mp.GetTimeSpan("spawn.connect-ahead-after"),
            WorkerReadyTimeout: mp.GetTimeSpan("worker-ready-timeout"),
            WorkerJoinTimeout: mp.GetTimeSpan("worker-join-timeout"),
            ShutdownTimeout: mp.GetTimeSpan("shutdown-timeout"),
            CoordinatorLostTimeout: mp.GetTimeSpan("coordinator-lost-timeout"),
            AskTimeout: mp.GetTimeSpan("ask-timeout"),
            WorkerExecutable: mp.GetString("worker.executable", ""),
            MaximumFrameSize: FrameSizeOf(config),
            DirectLinks: mp.GetBoolean("direct-links", true),
            DirectLinkHandshakeTimeout: mp.GetTimeSpan("direct-link-handshake-timeout"),
            SpinBeforeBlocking: TimeSpan.FromMicroseconds(mp.GetInt("spin-before-blocking-micros", 0)),
            ManagerResendAfter: mp.GetTimeSpan("manager.resend-after"),
            ManagerReplicas: mp.GetInt("manager.replicas", 1),
            PipeUnreadLimit: mp.GetByteSize("pipes.unread-limit") ?? 16L << 20);
    }

    /// <summary>The largest message a node sends or takes (akka.remote.dot-netty.tcp.maximum-frame-size; Akka's own default where unset).</summary>
    public static long FrameSizeOf(Config config) => config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? AkkaDefaultFrameSize;

    private const long AkkaDefaultFrameSize = 128_000;
}
