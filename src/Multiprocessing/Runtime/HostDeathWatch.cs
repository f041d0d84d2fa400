using Akka.Actor;
using Multiprocessing.Messages.Hosting;

namespace Multiprocessing.Runtime;

/// <summary>
/// An actor's death watch that also hears <see cref="HostGone"/>: the coordinator knows at once
/// when a host it launched exits (the OS tells it), and says so on every node's event stream.
/// The actors watched on that host are then unwatched (so no Terminated follows) and handed back
/// to be treated as terminated. Akka's remote failure detector stays as the net for a host that
/// hangs; it is slow on purpose, so that a busy host is not taken for a dead one.
/// </summary>
/// <remarks>
/// A message a process sent just before it died can arrive after its host was announced gone (the
/// announcement takes another path), and make the watcher watch one of its actors again: an actor
/// announced gone is remembered, and watching it again tells the watcher <see cref="AlreadyGone"/>
/// at once instead of waiting for the failure detector. Actors are remembered, not addresses: a new
/// host may bind the port of one that died.
/// </remarks>
internal sealed class HostDeathWatch(IActorContext context)
{
    /// <summary>Told to the watching actor when it watches an actor already announced gone: handle it as a Terminated.</summary>
    public sealed record AlreadyGone(IActorRef Actor);

    // Enough for every process a long-lived object outlives in a burst; older ones fall back to the failure detector.
    private const int AnnouncedKept = 1024;

    private readonly HashSet<IActorRef> _watched = [];
    private readonly HashSet<IActorRef> _announced = [];
    private readonly Queue<IActorRef> _announcedOrder = new();
    private bool _subscribed;

    public void Watch(IActorRef actor)
    {
        if (_announced.Contains(actor))
        {
            context.Self.Tell(new AlreadyGone(actor));
            return;
        }
        if (!_watched.Add(actor)) return;
        context.Watch(actor);
        // Only an actor of another host can be announced gone; most watchers never see one.
        if (!_subscribed && actor.Path.Address.HasGlobalScope)
        {
            _subscribed = true;
            context.System.EventStream.Subscribe(context.Self, typeof(HostGone));
        }
    }

    public void Unwatch(IActorRef actor)
    {
        if (_watched.Remove(actor)) context.Unwatch(actor);
    }

    /// <summary>Call on Terminated: the actor is no longer watched.</summary>
    public void Terminated(IActorRef actor) => _watched.Remove(actor);

    /// <summary>The watched actors of the host that is gone, now unwatched: handle each as a Terminated.</summary>
    public IReadOnlyList<IActorRef> Gone(HostGone host)
    {
        var gone = _watched.Where(a => a.Path.Address.ToString() == host.Address).ToList();
        foreach (var actor in gone)
        {
            Unwatch(actor);
            Remember(actor);
        }
        return gone;
    }

    private void Remember(IActorRef actor)
    {
        if (!_announced.Add(actor)) return;
        _announcedOrder.Enqueue(actor);
        if (_announcedOrder.Count > AnnouncedKept) _announced.Remove(_announcedOrder.Dequeue());
    }
}
