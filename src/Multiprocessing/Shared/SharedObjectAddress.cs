using Akka.Actor;
using Hyperion;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Shared;

/// <summary>
/// Where a shared object lives, as its handles carry it from process to process: a plain actor
/// (<paramref name="Target"/>), or a Manager's entity (<paramref name="EntityId"/>) reached through
/// the shard region <paramref name="Target"/>. Requests follow the Correlator's rules.
/// </summary>
internal sealed class SharedObjectAddress(IActorRef target, string? entityId = null)
{
    public IActorRef Target { get; } = target;
    public string? EntityId { get; } = entityId;

    // This process's side, which never travels (Hyperion skips [Ignore] fields; it does not skip [NonSerialized]).
    [Ignore] private NodeRuntime? _runtime;

    // A Manager object's node as its keeper last said, and how many nodes had been lost then: the
    // answer holds until another node is lost (whether it was this one, or where the object had moved).
    private sealed record Home(long Losses, Address? Node);
    [Ignore] private Home? _home;

    /// <summary>Bound to the runtime that made the object; a copy that travelled uses the runtime of the process it is in.</summary>
    public SharedObjectAddress Bind(NodeRuntime runtime)
    {
        Volatile.Write(ref _runtime, runtime);
        return this;
    }

    public NodeRuntime Runtime => Volatile.Read(ref _runtime) ?? Bind(DefaultRuntime.CurrentOrOnDemand
        ?? throw new InvalidOperationException("No multiprocessing cluster runs here.")).Runtime;

    /// <summary>
    /// Sends the request made from a fresh id and waits for its reply (see <see cref="Correlator.RequestAsync"/>).
    /// A Manager's entity may answer any request with a fault (its Manager was disposed, its worker died): thrown here.
    /// Where the region routes it, should a node be lost, the Manager's keeper knows.
    /// </summary>
    public Task<ICorrelated> RequestAsync(Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken)
    {
        if (EntityId is not { } entityId) return Runtime.Correlator.RequestAsync(Target, request, wait, cancellationToken);
        var runtime = Runtime;
        return ThrowFaults(runtime.Correlator.RequestAsync(Target, request, wait, cancellationToken,
            message => new EntityEnvelope(entityId, message), () => HomeAsync(runtime, entityId)));
    }

    /// <summary>
    /// A request the object answers at once (it never parks it): waits for its reply at most
    /// multiprocessing.ask-timeout, then fails with <see cref="TimeoutException"/> (a host that hangs
    /// must not hang its callers); a dead object fails with <see cref="MpRemoteGoneException"/> at once.
    /// </summary>
    public async Task<ICorrelated> AskAsync(Func<long, ICorrelated> request, CancellationToken cancellationToken = default)
    {
        var askTimeout = Runtime.Settings.AskTimeout;
        var reply = await RequestAsync(request, askTimeout, cancellationToken);
        return reply is RequestCancelled
            ? throw new TimeoutException($"{Target.Path} did not answer within {askTimeout} (multiprocessing.ask-timeout).")
            : reply;
    }

    /// <summary>
    /// A request the object answers at once (it never parks it). To a plain actor on another node it
    /// goes over a direct link to that node once one is up: a caller that blocks waits on the link's
    /// socket, with no Akka hop and (on one host) no TLS record each way. Otherwise, or when the
    /// recipient is gone, it goes as <see cref="RequestAsync"/> (which says why it failed). Fails with
    /// <see cref="TimeoutException"/> after ask-timeout, <see cref="MpRemoteGoneException"/> when its node
    /// is lost or the link broke while the call was on its way (it may have run: it is not sent twice).
    /// Only for requests the object matches by what they carry, not by who sent them (a direct call's
    /// reply goes back through its link, not to this node's inbox).
    /// </summary>
    /// <param name="callerWaits">The caller blocks on the result anyway: the reply is read on its thread.</param>
    public async Task<ICorrelated> CallAsync(Func<long, ICorrelated> request, string what, bool callerWaits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var runtime = Runtime;
        if (EntityId is null)
        {
            var call = request(runtime.Correlator.NewRequestId());
            var reply = callerWaits ? runtime.DirectCalls.TryCall(Target, call, what) : await runtime.DirectCalls.TryCallAsync(Target, call, what);
            if (reply is ICorrelated answer) return answer;
            if (ReferenceEquals(reply, Direct.DirectCalls.LinkBroke))
                throw new MpRemoteGoneException($"The link to {runtime.Nodes.Describe(Target.Path.Address)} broke while {what} was on its way: whether it ran there is unknown.");
            if (reply is null) runtime.DirectCalls.Prepare(Target); // no link to its node yet: the next call may have one
        }
        return await AskAsync(request, cancellationToken);
    }

    private async Task<Address?> HomeAsync(NodeRuntime runtime, string entityId)
    {
        var losses = runtime.Nodes.Losses;
        if (Volatile.Read(ref _home) is { } home && home.Losses == losses) return home.Node;
        var node = await Managers.ManagerKeeperActor.HomeOfAsync(runtime, Target, entityId);
        Volatile.Write(ref _home, new Home(losses, node));
        return node;
    }

    private static async Task<ICorrelated> ThrowFaults(Task<ICorrelated> reply) =>
        await reply is Messages.Managers.ObjectFault fault ? throw Managers.ObjectFaults.Rebuild(fault) : reply.Result;

    /// <summary>A message that needs no reply.</summary>
    public void Tell(IMpMessage message) =>
        Target.Tell(EntityId is null ? message : new EntityEnvelope(EntityId, message), Runtime.Correlator.Inbox);
}
