using System.Net;
using Akka.Configuration;

namespace Multiprocessing.Security;

/// <summary>
/// <c>multiprocessing.security</c>: on (the default, an object that may name an <c>auth-file</c>)
/// or <c>off</c> (a plain value that replaces the object: no TLS, no authentication).
/// </summary>
internal sealed record SecuritySettings(bool Enabled, string? AuthFile)
{
    public const string Key = "multiprocessing.security";
    public const string AuthFileKey = "multiprocessing.security.auth-file";
    private const string HostnameKey = "akka.remote.dot-netty.tcp.hostname";

    public static SecuritySettings From(Config config)
    {
        var value = config.GetValue(Key);
        if (value is null) return new SecuritySettings(true, null);
        if (!value.IsObject()) return new SecuritySettings(config.GetBoolean(Key), null);
        var file = config.GetString(AuthFileKey, "");
        return new SecuritySettings(true, string.IsNullOrWhiteSpace(file) ? null : file);
    }

    /// <summary>Where remoting binds, when that is reachable from other hosts (anything but a loopback address); null on loopback.</summary>
    public static string? BindsBeyondLoopback(Config config)
    {
        var host = config.GetString(HostnameKey, "");
        if (host == "localhost") return null;
        // An empty hostname binds the machine's own address; a name may resolve to anything.
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address) ? null : (host.Length == 0 ? "(this machine's address)" : host);
    }

    /// <summary>
    /// The coordinator's credentials: the auth file's, else fresh ones made for this run when
    /// remoting stays on loopback (every node is then a child it hands them to). Null when off.
    /// </summary>
    public ClusterCredentials? ForCoordinator(Config config)
    {
        if (!Enabled) return null;
        if (AuthFile is not null) return ClusterCredentials.FromFile(AuthFile);
        if (BindsBeyondLoopback(config) is { } host)
            throw new MpSecurityException(
                $"Remoting binds {host}, beyond loopback, without cluster credentials: set {AuthFileKey} (--auth FILE) to a file made by " +
                $"`Coordinator keygen FILE`, or {Key} = off to run without authentication.");
        return ClusterCredentials.Create();
    }

    /// <summary>A worker's credentials: those its coordinator handed it, else the auth file's. Null when off.</summary>
    public ClusterCredentials? ForWorker(ClusterCredentials? handed)
    {
        if (!Enabled) return null;
        if (handed is not null) return handed;
        if (AuthFile is not null) return ClusterCredentials.FromFile(AuthFile);
        throw new MpSecurityException(
            $"This worker has no cluster credentials: give it --auth FILE (or {AuthFileKey}), the file its coordinator uses, " +
            $"made by `Coordinator keygen FILE`; or {Key} = off on every node to run without authentication.");
    }

    /// <summary>What a node with security off says at start: anyone who reaches it can run code in the cluster.</summary>
    public static string OffWarning(string address) =>
        $"{Key} = off: remoting at {address} is neither authenticated nor encrypted; any process that can reach it can join the cluster and run code in it.";
}
