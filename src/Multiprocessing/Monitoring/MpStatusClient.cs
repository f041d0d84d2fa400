using System.Net;
using Akka.Actor;
using Multiprocessing.Logging;
using Multiprocessing.Messages.Monitoring;
using Multiprocessing.Monitoring;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing;

/// <summary>
/// Reads a running cluster's <see cref="MpStatus"/> from outside it (<c>Coordinator status</c>): an actor
/// system of its own that connects to the coordinator with the cluster's credentials, never joins
/// the cluster and so never receives work. Keep one to poll; dispose it to disconnect.
/// </summary>
public sealed class MpStatusClient : IAsyncDisposable
{
    /// <summary>Where <c>hocon/cluster.conf</c>'s coordinator listens on this machine.</summary>
    public const string DefaultSeed = "akka.ssl.tcp://mp@127.0.0.1:4053";

    private const string PlainScheme = "akka.tcp://";
    private readonly ActorSystem _system;
    private readonly ActorSelection _status;
    private readonly TimeSpan _timeout;

    private MpStatusClient(ActorSystem system, string seed, TimeSpan timeout)
    {
        _system = system;
        _status = system.ActorSelection(ActorNames.On(seed, ActorNames.Status));
        _timeout = timeout;
        Seed = seed;
    }

    /// <summary>The coordinator's address this client asks.</summary>
    public string Seed { get; }

    /// <summary>
    /// Starts (without waiting: the first <see cref="GetAsync"/> connects) the client for the coordinator at <paramref name="seed"/> (its <see cref="MpContext.Address"/>).
    /// An <c>akka.ssl.tcp://</c> seed needs <paramref name="authFile"/>, the cluster's credentials from keygen
    /// (a cluster that made its own in memory admits no client); an <c>akka.tcp://</c> one is a cluster with
    /// <c>multiprocessing.security = off</c>. Throws <see cref="MpConfigurationException"/> for a bad seed or no credentials.
    /// </summary>
    public static MpStatusClient Connect(string seed, string? authFile = null)
    {
        if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Port <= 0 || !seed.Contains('@'))
            throw new MpConfigurationException($"--seed must look like {DefaultSeed}, not '{seed}'.");
        var secure = !seed.StartsWith(PlainScheme, StringComparison.Ordinal);
        if (secure && authFile is null)
            throw new MpSecurityException(
                $"{seed} is a cluster with security on: give the status client its credentials, --auth FILE (keygen's file, the one its coordinator was given).");
        // Replies come back over the connection this client opens, so it listens where the coordinator can reach it.
        var loopback = IPAddress.TryParse(uri.Host, out var address) ? IPAddress.IsLoopback(address) : uri.Host == "localhost";
        var overrides = $"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp {"{"} hostname = {(loopback ? "127.0.0.1" : "0.0.0.0")}, port = 0 {(loopback ? "" : $", public-hostname = {MpConfig.Quote(Dns.GetHostName())}")} {"}"}
            {(secure ? "" : $"{SecuritySettings.Key} = off")}
            {(secure && authFile is not null ? $"{SecuritySettings.AuthFileKey} = {MpConfig.Quote(Path.GetFullPath(authFile))}" : "")}
            """;
        var config = MpConfig.Load(null, overrides);
        var credentials = SecuritySettings.From(config).ForWorker(handed: null);
        var system = MpActorSystem.Create("mp-status", config, credentials, LineLoggerFactory.StandardError());
        return new MpStatusClient(system, seed, MpSettings.From(config).AskTimeout);
    }

    /// <summary>Asks the coordinator for a snapshot; throws <see cref="TimeoutException"/> when it does not answer within multiprocessing.ask-timeout.</summary>
    public async Task<MpStatus> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _status.Ask<MpStatus>(new StatusRequest(), _timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            throw new TimeoutException($"The coordinator at {Seed} did not answer within {_timeout.TotalSeconds:0.#} s: is it running, and are these its credentials?");
        }
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();
}
