using Akka.Actor;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>/user/mp-direct: tells other nodes how to reach this one directly, listening from the first time one asks.</summary>
internal sealed class DirectLinkActor : ReceiveActor
{
    private DirectListener? _listener;
    private bool _tried;

    public DirectLinkActor(PayloadSerializer payloads)
    {
        var system = (ExtendedActorSystem)Context.System;
        Receive<DirectLinkQuery>(_ =>
        {
            if (!_tried)
            {
                _tried = true;
                var host = system.Provider.DefaultAddress.Host;
                _listener = host is null ? null : DirectListener.TryStart(system, payloads, host);
            }
            Sender.Tell(_listener is null
                ? new DirectLinkOffer(null, 0, [])
                : new DirectLinkOffer(system.Provider.DefaultAddress.Host, _listener.Port, _listener.Cookie));
        });
    }

    protected override void PostStop() => _listener?.Dispose();

    public const string Name = "mp-direct";

    public static Props Props(PayloadSerializer payloads) => Akka.Actor.Props.Create(() => new DirectLinkActor(payloads));
}
