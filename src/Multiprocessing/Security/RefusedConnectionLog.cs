using System.Net;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;

namespace Multiprocessing.Security;

/// <summary>
/// Logs, once per remote host, that this node refused a connection that did not prove the
/// cluster's credentials. Akka.Remote reports every refused handshake, at length; those reports
/// are kept off the console (<see cref="Runtime.MpActorSystem"/>) and summed up here.
/// </summary>
internal sealed partial class RefusedConnectionLog : ReceiveActor
{

    /// <summary>What Akka.Remote logs for a refused inbound connection (its texts: the only signal it gives).</summary>
    [GeneratedRegex(@"(?:Rejected incoming connection from \[(?<peer>.+?)\] due to TLS handshake failure|Mutual TLS required but client did not provide a certificate from (?<peer>\S+))")]
    public static partial Regex AkkaRefusal();

    /// <summary>
    /// Akka.Remote's other reports of a failed handshake (with stack traces and troubleshooting
    /// advice), and of a stranger's plain TCP on a TLS port, kept off the console.
    /// </summary>
    [GeneratedRegex(@"TLS (?:handshake failed|exception) on channel|not an SSL/TLS record")]
    public static partial Regex AkkaHandshakeFailure();

    private readonly HashSet<IPAddress> _refused = [];

    public RefusedConnectionLog()
    {
        var log = Context.GetLogger();
        Receive<Warning>(warning =>
        {
            var match = AkkaRefusal().Match(warning.Message?.ToString() ?? "");
            if (!match.Success) return;
            var peer = match.Groups["peer"].Value;
            var host = IPEndPoint.TryParse(peer, out var endpoint) ? Normalized(endpoint.Address) : IPAddress.None;
            if (_refused.Add(host))
                log.Warning("Refused a connection from {0}: it did not prove this cluster's credentials (TLS with the cluster's certificate); " +
                    "further refusals from this host are not logged.", Equals(host, IPAddress.None) ? peer : host.ToString());
        });
    }

    private static IPAddress Normalized(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(Warning));

    public static Props Props() => Akka.Actor.Props.Create(() => new RefusedConnectionLog());
}
