using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Runtime;

namespace Multiprocessing.Transfers;

/// <summary>
/// Sends messages that carry user data to other nodes whatever their size: one that fits half a
/// remoting frame goes as itself; a larger one (up to multiprocessing.payloads.maximum-size) goes
/// through <see cref="TransferActor"/> and arrives whole, from its sender: over the direct link to the
/// recipient's node when one is up, else in chunks over Akka, its arrays (<see cref="IPayloadCarrier"/>)
/// beside it, never copied whole. Every node has one, made with its actor system, so that it can receive from the start.
/// </summary>
internal sealed class PayloadTransfers : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly IActorRef _transfers;
    private volatile IDirectRoute? _direct;

    public PayloadTransfers(ExtendedActorSystem system)
    {
        _system = system;
        Settings = TransferSettings.From(system.Settings.Config);
        var props = TransferActor.Props(Settings, () => _direct);
        // An actor system not made from this library's configuration (a test's) has no such dispatcher.
        if (system.Dispatchers.HasDispatcher(TransferActor.Dispatcher)) props = props.WithDispatcher(TransferActor.Dispatcher);
        _transfers = system.SystemActorOf(props, ActorNames.Transfers);
    }

    public TransferSettings Settings { get; }

    public static PayloadTransfers Get(ActorSystem system) => system.WithExtension<PayloadTransfers, PayloadTransfersProvider>();

    /// <summary>Whether <paramref name="message"/> carries more user data than one message over Akka takes (half a frame).</summary>
    public bool IsLarge(object message) => message is IPayloadCarrier carrier && carrier.PayloadBytes > Settings.InlineBytes;

    /// <summary>From now on large messages may take <paramref name="direct"/> (the node's direct links, made with its runtime after this).</summary>
    public void UseDirectLinks(IDirectRoute direct) => _direct = direct;

    /// <summary>
    /// Tells <paramref name="recipient"/> the message. The task ends once it is handed to Akka (a
    /// small one, or any to this node) or, for a large one, once the recipient's node has all of it
    /// (over a direct link: once the link took all of it);
    /// it fails with <see cref="MpRemoteGoneException"/> if the recipient dies first, with
    /// <see cref="TimeoutException"/> if the transfer stalls.
    /// </summary>
    public Task Tell(ICanTell recipient, object message, IActorRef? sender = null)
    {
        (Address Node, IActorRef Actor, string? Path) target = recipient switch
        {
            IActorRef actorRef => (actorRef.Path.Address, actorRef, null),
            ActorSelection selection => (selection.Anchor.Path.Address, ActorRefs.Nobody, selection.PathString),
            _ => throw new ArgumentException($"Cannot send to a {recipient.GetType().Name}.", nameof(recipient)),
        };
        if (!IsLarge(message) || !NodeAddresses.IsOtherNode(_system, target.Node))
        {
            recipient.Tell(message, sender ?? ActorRefs.NoSender);
            return Task.CompletedTask;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _transfers.Tell(new TransferActor.Send(target.Node, target.Actor, target.Path, sender ?? ActorRefs.Nobody, message, done));
        // Senders that do not wait (an actor's reply) learn of a dead recipient from their death watch.
        done.Task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        return done.Task;
    }
}

/// <summary>A way to a node that bypasses Akka for large messages (its direct link).</summary>
internal interface IDirectRoute
{
    /// <summary>Writes the large message to <paramref name="recipient"/>'s node now, on this thread; false when there is no way up (nothing was sent).</summary>
    bool TrySendLarge(IActorRef recipient, object message, IActorRef? sender);
}

internal sealed class PayloadTransfersProvider : ExtensionIdProvider<PayloadTransfers>
{
    public override PayloadTransfers CreateExtension(ExtendedActorSystem system) => new(system);
}
