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
internal sealed class HostDeathWatch(IActorContext context)
{
    private readonly HashSet<IActorRef> _watched = [];
    private bool _subscribed;

    public void Watch(IActorRef actor)
    {
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
        foreach (var actor in gone) Unwatch(actor);
        return gone;
    }
}
