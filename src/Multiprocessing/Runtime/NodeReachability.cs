using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;

namespace Multiprocessing.Runtime;

/// <summary>
/// This node's view of the cluster members that are lost: unreachable (the failure detector lost
/// them; they may come back) or downed (removed without leaving: killed, crashed or cut off; never
/// back). A request to an object on a lost node fails with <see cref="MpRemoteGoneException"/> as
/// soon as the cluster knows, instead of after ask-timeout: <see cref="Lost"/> tells those with
/// requests in flight. A member that left gracefully is not lost (its actors end, which death watch
/// reports; a Manager's objects moved). Single-use hosts are not members (provider = remote): for
/// them nothing is ever lost here, and remote death watch reports the end of what they talk to.
/// </summary>
internal sealed class NodeReachability
{
    /// <summary>The coordinator's cluster role (worker nodes have <c>worker</c>).</summary>
    public const string CoordinatorRole = "coordinator";

    // A worker node's name travels with its membership, as a role: every member can name it.
    private const string NamePrefix = "mp-name:";

    private enum Fate
    {
        Unreachable,

        /// <summary>Marked down, still a member until the leader removes it.</summary>
        Down,

        /// <summary>Removed after being down or unreachable.</summary>
        Removed,
    }

    // Written by the watcher actor only; read by any thread.
    private readonly ConcurrentDictionary<Address, Fate> _fates = new();
    private readonly ConcurrentDictionary<Address, string> _names = new();
    private volatile int _lostNodes;
    private long _losses;

    public NodeReachability(ActorSystem system)
    {
        if (NodeAddresses.IsClusterMember(system))
            system.ActorOf(Props.Create(() => new WatcherActor(this)), ActorNames.NodeReachability);
    }

    /// <summary>
    /// A node was found unreachable or downed. Runs on the watcher's thread (Akka's dispatcher): a
    /// handler only fails what waited on that node, and starts anything longer as a task.
    /// </summary>
    public event Action<Address>? Lost;

    /// <summary>How many times a node was lost so far: a request that read it before it was sent, and again after, knows whether it may have been missed.</summary>
    public long Losses => Interlocked.Read(ref _losses);

    /// <summary>Whether some node is lost (a request routed to a node it does not know is worth a check then).</summary>
    public bool AnyLost => _lostNodes > 0;

    public bool IsLost(Address node) => AnyLost && _fates.ContainsKey(node);

    /// <summary>The exception for <paramref name="what"/> on <paramref name="node"/> when that node is lost; null while it is not.</summary>
    public MpRemoteGoneException? Gone(Address node, string what) => AnyLost && _fates.TryGetValue(node, out var fate)
        ? new MpRemoteGoneException(fate == Fate.Unreachable
            ? $"{what} is on {Describe(node)}, which is unreachable (the cluster's failure detector lost it: stopped, overloaded or cut off). Calls fail until it is reachable again."
            : $"{what} was on {Describe(node)}, which is down (killed, crashed or cut off, and removed from the cluster without leaving): it is gone.")
        : null;

    /// <summary>The node's name where its membership carries one, and its address.</summary>
    public string Describe(Address node) =>
        _names.TryGetValue(node, out var name) ? $"{name} ({node})" : $"node {node}";

    /// <summary>The cluster role that names a worker node <paramref name="name"/>.</summary>
    public static string NameRole(string name) => NamePrefix + name;

    private void Known(Member member)
    {
        var named = member.Roles.FirstOrDefault(r => r.StartsWith(NamePrefix, StringComparison.Ordinal));
        var name = named is not null ? $"worker node {named[NamePrefix.Length..]}" : member.HasRole(CoordinatorRole) ? "the coordinator" : null;
        if (name is not null) _names[member.Address] = name;
    }

    private void Joined(Member member)
    {
        Known(member);
        // A new incarnation at an address once lost (a worker restarted on a fixed port).
        if (_fates.TryGetValue(member.Address, out var fate) && fate == Fate.Removed) _fates.TryRemove(member.Address, out _);
        Count();
    }

    private void Unreachable(Member member)
    {
        Known(member);
        if (_fates.TryAdd(member.Address, Fate.Unreachable)) Announce(member.Address);
    }

    private void Reachable(Member member)
    {
        if (_fates.TryGetValue(member.Address, out var fate) && fate == Fate.Unreachable) _fates.TryRemove(member.Address, out _);
        Count();
    }

    private void Downed(Member member)
    {
        Known(member);
        var wasLost = _fates.ContainsKey(member.Address);
        _fates[member.Address] = Fate.Down;
        if (!wasLost) Announce(member.Address);
        else Count();
    }

    private void Removed(Member member, MemberStatus previous)
    {
        if (previous == MemberStatus.Down || _fates.ContainsKey(member.Address))
        {
            var wasLost = _fates.ContainsKey(member.Address);
            _fates[member.Address] = Fate.Removed;
            if (!wasLost) Announce(member.Address);
        }
        Count();
    }

    private void Announce(Address node)
    {
        Count();
        Interlocked.Increment(ref _losses); // after the fate is written: see Losses
        Lost?.Invoke(node);
    }

    private void Count() => _lostNodes = _fates.Count;

    private sealed class WatcherActor : ReceiveActor
    {
        public WatcherActor(NodeReachability nodes)
        {
            var self = Cluster.Get(Context.System).SelfAddress;
            bool Other(ClusterEvent.IMemberEvent e) => !e.Member.Address.Equals(self);
            Receive<ClusterEvent.MemberJoined>(Other, e => nodes.Joined(e.Member));
            Receive<ClusterEvent.MemberWeaklyUp>(Other, e => nodes.Joined(e.Member));
            Receive<ClusterEvent.MemberUp>(Other, e => nodes.Joined(e.Member));
            Receive<ClusterEvent.MemberDowned>(Other, e => nodes.Downed(e.Member));
            Receive<ClusterEvent.MemberRemoved>(Other, e => nodes.Removed(e.Member, e.PreviousStatus));
            Receive<ClusterEvent.UnreachableMember>(e => !e.Member.Address.Equals(self), e => nodes.Unreachable(e.Member));
            Receive<ClusterEvent.ReachableMember>(e => nodes.Reachable(e.Member));
            ReceiveAny(_ => { }); // the other member events (left, exited) change nothing here
        }

        protected override void PreStart() =>
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
