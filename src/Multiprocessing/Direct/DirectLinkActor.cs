using Akka.Actor;
using Akka.Event;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Direct;

/// <summary>
/// /user/mp-direct: tells other nodes how to reach this one directly, listening from the first time
/// one asks. With credentials its offer carries no secret: a client proves the cluster's key
/// (<see cref="DirectHandshake"/>). A call that came over a link to an actor that is gone is answered
/// <see cref="DirectCallUndelivered"/> here, so that its caller does not wait for a reply that never comes.
/// </summary>
internal sealed class DirectLinkActor : ReceiveActor
{
    private DirectListener? _listener;
    private bool _tried;

    public DirectLinkActor(PayloadSerializer payloads, MpSettings settings, ClusterCredentials? credentials)
    {
        var system = (ExtendedActorSystem)Context.System;
        Receive<DeadLetter>(dead =>
        {
            if (dead.Sender is DirectReplyRef caller) caller.Tell(DirectCallUndelivered.Instance);
        });
        Receive<DirectLinkQuery>(_ =>
        {
            if (!_tried)
            {
                _tried = true;
                var host = system.Provider.DefaultAddress.Host;
                _listener = host is null ? null : DirectListener.TryStart(system, payloads, host, settings, credentials);
            }
            Sender.Tell(_listener is null
                ? new DirectLinkOffer(null, 0, null)
                : new DirectLinkOffer(system.Provider.DefaultAddress.Host, _listener.Port, _listener.Cookie));
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => _listener?.Dispose();


    public static Props Props(PayloadSerializer payloads, MpSettings settings, ClusterCredentials? credentials) =>
        Akka.Actor.Props.Create(() => new DirectLinkActor(payloads, settings, credentials));
}
