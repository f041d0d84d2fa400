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
}
