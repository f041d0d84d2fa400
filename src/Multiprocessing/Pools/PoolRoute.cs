using Akka.Actor;
using Multiprocessing.Direct;
using Multiprocessing.Messages.Direct;

namespace Multiprocessing.Pools;

/// <summary>
/// How a pool's dispatcher and its workers reach each other: over the nodes' direct links where there are some (a
/// tiny task's chunk and answer each cost a socket write and a read, not Akka.Remote's endpoint actors), else as any
/// message (a large one in pieces). Without a node runtime (an actor system on its own, as in a spec), as any message.
/// </summary>
internal sealed class PoolRoute(DirectChannel? direct, Transfers.PayloadTransfers transfers)
{
    /// <summary>Payload bytes one message carries whole.</summary>
    public long InlineBytes => transfers.Settings.InlineBytes;

    public void Send(IActorRef recipient, IDirectMessage message, IActorRef sender)
    {
        if (direct is not null) direct.Send(recipient, message, sender);
        else transfers.Tell(recipient, message, sender);
    }

    public static PoolRoute Of(ActorSystem system) =>
        new(Runtime.NodeRuntime.Of(system)?.Direct, Transfers.PayloadTransfers.Get(system));
}
