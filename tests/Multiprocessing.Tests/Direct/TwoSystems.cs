using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Direct;

/// <summary>The configuration of the remoting actor systems the direct-link specs start in this process.</summary>
internal static class TwoSystems
{
    public const string Remote = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
        akka.actor.serialization-bindings { "System.Object" = hyperion }
        """;

    /// <summary><see cref="Remote"/> bound to <paramref name="hostname"/> instead of loopback.</summary>
    public static string RemoteOn(string hostname) => Remote + $"\nakka.remote.dot-netty.tcp.hostname = {MpConfig.Quote(hostname)}";

    /// <summary>The library's settings (no spinning: the specs share two cores), with <paramref name="overrides"/>.</summary>
    public static MpSettings Settings(string overrides = "") =>
        MpSettings.From(MpConfig.Load(null, "multiprocessing.spin-before-blocking-micros = 0\n" + overrides));
}
