using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Multiprocessing.Logging;
using Multiprocessing.Security;

namespace Multiprocessing.Runtime;

/// <summary>Creates the actor system of any node, with the settings every node shares.</summary>
internal static partial class MpActorSystem
{
    // Hosts come and go by design (a spawn host ends with its process); remoting reports every
    // such end as a failed association. Real failures reach the user through exit codes instead.
    [GeneratedRegex("Association with remote system .* has failed|Disassociated|Tried to associate with unreachable remote address|Unable to REMOVE channel")]
    private static partial Regex RemotingChurn();

    // A worker node ends by being downed when its coordinator shuts the cluster down; one downed
    // otherwise (the split-brain resolver's decision) is reported by the coordinator, which made it.
    [GeneratedRegex("Received gossip where this member has been downed")]
    private static partial Regex DownedAtShutdown();

    /// <param name="credentials">The cluster's: remoting runs TLS, pinned to their certificate. Null: plain TCP (multiprocessing.security = off).</param>
    /// <param name="loggers">Where its log events go (akka.loggers names <see cref="AkkaLogBridge"/>, which reads them from the setup).</param>
    public static ActorSystem Create(string name, Config config, ClusterCredentials? credentials, ILoggerFactory loggers)
    {
        var logFilter = new LogFilterBuilder()
            .ExcludeMessageRegex(RemotingChurn())
            .ExcludeMessageRegex(DownedAtShutdown())
            .ExcludeMessageRegex(RefusedConnectionLog.AkkaRefusal())
            .ExcludeMessageRegex(RefusedConnectionLog.AkkaHandshakeFailure())
            .Build();
        // Sharding's serializers from the start, though a node starts its region only once a Manager
        // exists: the coordinator's region proxy may reach a worker's shard coordinator before that.
        config = config.WithFallback(ClusterSharding.DefaultConfig()).WithFallback(ClusterSingleton.DefaultConfig());
        Setup[] setups = [BootstrapSetup.Create().WithConfig(credentials is null ? config : ClusterTls.EnableSsl.WithFallback(config)), logFilter, new LoggingSetup(loggers)];
        if (credentials is not null) setups = [.. setups, ClusterTls.Setup(credentials)];
        var system = ActorSystem.Create(name, ActorSystemSetup.Create(setups));
        // Any node may be sent a large message from the start, before anything of its own used one.
        Transfers.PayloadTransfers.Get(system);
        if (credentials is not null) system.ActorOf(RefusedConnectionLog.Props(), ActorNames.RefusedConnections);
        return system;
    }
}
