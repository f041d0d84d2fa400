using System.Collections.Concurrent;
using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Hosting;

namespace Multiprocessing.Runtime;

/// <summary>
/// Matches the replies of a node's handles to their requests. Requests go out with the node's
/// reply inbox as sender. The inbox is not an actor but a reference registered under /temp (as
/// Akka's own Ask does): a reply completes the waiting task on the thread that delivers it, with
/// no mailbox hop. A watcher actor watches every target with a request in flight, so a request to
/// an actor that dies fails instead of waiting forever; and a request whose node is lost (see
/// <see cref="NodeReachability"/>) fails as soon as the cluster knows, or at once if it already does.
/// </summary>
internal sealed class Correlator
{
    /// <summary>For a request to a target that routes it (a shard region): the node it is routed to (null while unknown), asked only once some node is lost.</summary>
    public delegate Task<Address?> RouteLookup();

    private const string What = "The object behind this handle";

    // Overdue requests are looked for twice per resend-after: one goes again at most half a period late.
    private const int ResendChecksPerPeriod = 2;

    private sealed record Pending(TaskCompletionSource<ICorrelated> Reply, IActorRef Target, Func<object, object> Envelope, RouteLookup? RoutedTo)
    {
        /// <summary>Done once the request is all with its target's node: a large one takes a while (it goes as a transfer).</summary>
        public Task Sent { get; set; } = Task.CompletedTask;
    }
    private sealed record WatchTarget(IActorRef Target);

    /// <summary>A routed request, sent again until answered: what to send (the request, or once given up its cancel), and when it last went.</summary>
    private sealed class Resend(IActorRef target, object message)
    {
        public IActorRef Target { get; } = target;
        public object Message { get; set; } = message;
        public long SentAt { get; set; } = Environment.TickCount64;
    }

    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly ConcurrentDictionary<long, Resend> _resends = new();
    private readonly TimeSpan _resendAfter;
    private readonly Action<IMpMessage> _notices;
    private readonly NodeReachability _nodes;
    private readonly TimeSpan _settleTimeout;
    private readonly TimeSpan _spin;
    private readonly IActorRef _watcher;
    private readonly Transfers.PayloadTransfers _transfers;
    private long _nextId;
    private Exception? _shutDown; // set once this node's actor system has terminated (Interlocked: Send reads it after a fence)

    /// <param name="settleTimeout">How long a request that was given up may take to be settled (multiprocessing.ask-timeout).</param>
    /// <param name="spin">How long a blocking caller spins before it sleeps (multiprocessing.spin-before-blocking-micros).</param>
    /// <param name="resendAfter">How long a routed request waits for its answer before it is sent again (multiprocessing.manager.resend-after).</param>
    /// <param name="notices">Where messages to this node's handles that answer no request go (a queue recalling a lease), on the delivering thread.</param>
    public Correlator(ActorSystem system, NodeReachability nodes, TimeSpan settleTimeout, TimeSpan spin, TimeSpan resendAfter, Action<IMpMessage> notices)
    {
        _nodes = nodes;
        _transfers = Transfers.PayloadTransfers.Get(system);
        _resendAfter = resendAfter;
        _notices = notices;
        var resender = new Timer(_ => ResendOverdue(), null, resendAfter / ResendChecksPerPeriod, resendAfter / ResendChecksPerPeriod);
        system.RegisterOnTermination(resender.Dispose);
        _settleTimeout = settleTimeout;
        _spin = spin;
        var provider = ((ExtendedActorSystem)system).Provider;
        var inbox = new InboxRef(this, provider, provider.TempPath());
        provider.RegisterTempActor(inbox, inbox.Path);
        Inbox = inbox;
        _watcher = system.ActorOf(Props.Create(() => new WatcherActor(this)), ActorNames.Replies);
        nodes.Lost += FailRequestsOn;
        system.RegisterOnTermination(() => FailAll(system));
    }

    /// <summary>Where replies are sent.</summary>
    public IActorRef Inbox { get; }

    /// <summary>
    /// Sends the request made from a fresh id to <paramref name="target"/> and waits for its reply.
    /// The wait ends at <paramref name="wait"/> or the cancellation, but the request ends only when
    /// the target says so: the caller sends <see cref="CancelRequest"/> and waits for the answer that
    /// settles it. A late reply that carries items or an accepted put wins over the timeout; a timeout
    /// otherwise returns <see cref="RequestCancelled"/>, a cancellation throws.
    /// <paramref name="envelope"/> wraps what is sent to a target that routes (a shard region), and
    /// <paramref name="routedTo"/> finds where it routes to. A request whose node is lost fails with
    /// <see cref="MpRemoteGoneException"/>: before it is sent if the node is known lost, else when it is.
    /// A request whose cancellation came before it was sent is not sent.
    /// A routed request (and its cancel) is sent again every multiprocessing.manager.resend-after until
    /// it is answered: a shard region drops what it buffered for a shard that is being handed off, and
    /// the objects behind it run each request once (<see cref="Shared.SeenRequests"/>).
    /// </summary>
    public async Task<ICorrelated> RequestAsync(IActorRef target, Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken,
        Func<object, object>? envelope = null, RouteLookup? routedTo = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        envelope ??= message => message;
        var losses = _nodes.Losses;
        ThrowIfLost(target);
        if (routedTo is not null && _nodes.AnyLost && await RoutedToLostAsync(routedTo) is { } gone) throw gone;
        var (id, reply, sent) = Send(target, id => envelope(request(id)), envelope, routedTo, losses);
        if (routedTo is not null) _resends[id] = new Resend(target, envelope(request(id)));
        try
        {
            return await reply.WaitAsync(wait ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            var cancel = envelope(new CancelRequest(id));
            if (_resends.TryGetValue(id, out var resend)) resend.Message = cancel;
            return await SettleAsync(target, cancel, reply, sent, e);
        }
    }

    /// <summary>A request id no request of this node had: for a request sent another way (a direct call) to objects that key on it.</summary>
    public long NewRequestId() => Interlocked.Increment(ref _nextId);

    private void ResendOverdue()
    {
        var now = Environment.TickCount64;
        foreach (var (id, resend) in _resends)
        {
            if (!_pending.ContainsKey(id)) _resends.TryRemove(id, out _); // answered, failed, or its target is gone
            else if (now - resend.SentAt >= _resendAfter.TotalMilliseconds)
            {
                resend.SentAt = now;
                resend.Target.Tell(resend.Message, Inbox);
            }
        }
    }

    /// <summary>
    /// <see cref="RequestAsync"/> for a caller that blocks: the thread that delivers the reply wakes
    /// this one directly, where an await would take one more hop through the thread pool.
    /// </summary>
    public ICorrelated Request(IActorRef target, Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var losses = _nodes.Losses;
        ThrowIfLost(target);
        var (id, reply, sent) = Send(target, request, message => message, routedTo: null, losses);
        try
        {
            bool done;
            try
            {
                done = SpinBeforeBlocking.Until(() => reply.IsCompleted, _spin) || reply.Wait(wait ?? Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (AggregateException)
            {
                done = true; // faulted: rethrown as it is below
            }
            if (done) return reply.GetAwaiter().GetResult();
            return Blocking.Wait(() => SettleAsync(target, new CancelRequest(id), reply, sent, new TimeoutException()));
        }
        catch (OperationCanceledException e) when (!reply.IsCompleted)
        {
            return Blocking.Wait(() => SettleAsync(target, new CancelRequest(id), reply, sent, e));
        }
    }

    // The request was given up (timeout or cancellation): ask the target to settle it and take its answer.
    // A cancel sent while a large request is still on its way would overtake it, find nothing to settle, and let the
    // request run after its caller gave up: it goes once the request is all there (or failed to get there).
    private async Task<ICorrelated> SettleAsync(IActorRef target, object cancel, Task<ICorrelated> reply, Task sent, Exception givenUp)
    {
        await sent.ContinueWith(_ => { }, TaskScheduler.Default);
        target.Tell(cancel, Inbox);
        ICorrelated settled;
        try
        {
            settled = await reply.WaitAsync(_settleTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{target.Path} did not answer within {_settleTimeout} (multiprocessing.ask-timeout).");
        }
        if (settled is RequestCancelled && givenUp is OperationCanceledException cancelled) throw cancelled;
        return settled;
    }

    private void ThrowIfLost(IActorRef target)
    {
        if (Volatile.Read(ref _shutDown) is { } shutDown) throw shutDown;
        if (_nodes.Gone(target.Path.Address, What) is { } gone) throw gone;
    }

    // This node's actor system ended while the program goes on (Akka.Remote ends it when a TLS handshake it started
    // fails; a coordinator downed by the cluster ends it too): no reply can come any more, so what waits fails now,
    // and what is asked later fails at once, rather than each waiting for ever or for its timeout.
    private void FailAll(ActorSystem system)
    {
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        Exception shutDown = reason is CoordinatedShutdown.ClusterLeavingReason
            ? new ObjectDisposedException(nameof(MpContext), "This process's node of the cluster was shut down (its context disposed, or its host told to leave).")
            : new MpRemoteGoneException($"This process's node of the cluster has shut down ({reason?.ToString() ?? "no reason given"}): nothing it asked for can be answered any more.");
        Interlocked.Exchange(ref _shutDown, shutDown); // a full fence: a request pending from now on is seen below, or sees this in Send
        foreach (var id in _pending.Keys) FailPending(id, shutDown);
    }

    /// <param name="losses">What <see cref="NodeReachability.Losses"/> was before the node was checked.</param>
    private (long Id, Task<ICorrelated> Reply, Task Sent) Send(IActorRef target, Func<long, object> request, Func<object, object> envelope, RouteLookup? routedTo, long losses)
    {
        var id = NewRequestId();
        var pending = new Pending(new TaskCompletionSource<ICorrelated>(TaskCreationOptions.RunContinuationsAsynchronously), target, envelope, routedTo);
        _pending[id] = pending;
        _watcher.Tell(new WatchTarget(target));
        var message = request(id);
        // Only a message that carries user data may need chunks: the rest go as they are, with no detour.
        var sent = pending.Sent = message is IPayloadCarrier ? _transfers.Tell(target, message, Inbox) : Told(target, message);
        // A large request that could not reach its target fails the call, with why.
        if (!sent.IsCompleted || sent.IsFaulted) _ = sent.ContinueWith(t => FailPending(id, t.Exception!.InnerException!), TaskContinuationOptions.OnlyOnFaulted);
        // A node lost since it was checked may have been announced before this request was pending: look again.
        Interlocked.MemoryBarrier();
        if (_nodes.Losses != losses) FailIfLost(id, pending);
        if (Volatile.Read(ref _shutDown) is { } shutDown) FailPending(id, shutDown); // it ended meanwhile
        return (id, pending.Reply.Task, sent);
    }

    // A node was found unreachable or downed: what waits on it fails (on the announcer's thread, so no request slips by).
    private void FailRequestsOn(Address node)
    {
        foreach (var (id, pending) in _pending)
            if (pending.Target.Path.Address.Equals(node) || pending.RoutedTo is not null)
                FailIfLost(id, pending);
    }

    private void FailIfLost(long id, Pending pending)
    {
        if (_nodes.Gone(pending.Target.Path.Address, What) is { } gone) FailLost(id, pending, gone);
        else if (pending.RoutedTo is { } routedTo) _ = FailIfRoutedToLostAsync(id, pending, routedTo);
    }

    private async Task FailIfRoutedToLostAsync(long id, Pending pending, RouteLookup routedTo)
    {
        if (await RoutedToLostAsync(routedTo) is { } gone) FailLost(id, pending, gone);
    }

    private async Task<MpRemoteGoneException?> RoutedToLostAsync(RouteLookup routedTo)
    {
        try
        {
            return await routedTo() is { } node ? _nodes.Gone(node, What) : null;
        }
        catch (Exception)
        {
            // Where it is routed could not be found (who knows is lost too, or slow): the request goes on as it would have.
            return null;
        }
    }

    private void FailLost(long id, Pending pending, MpRemoteGoneException gone)
    {
        if (!_pending.TryRemove(id, out _)) return;
        pending.Reply.TrySetException(gone);
        // Should the node come back, the target settles the request rather than keep it (a parked get would take an item for nobody).
        pending.Sent.ContinueWith(_ => pending.Target.Tell(pending.Envelope(new CancelRequest(id)), Inbox), TaskScheduler.Default);
    }

    private Task Told(IActorRef target, object message)
    {
        target.Tell(message, Inbox);
        return Task.CompletedTask;
    }

    private void FailPending(long id, Exception failure)
    {
        if (_pending.TryRemove(id, out var pending)) pending.Reply.TrySetException(failure);
    }

    // Runs on whichever thread delivers the reply (a dispatcher's, remoting's, a direct link's):
    // it only completes a task whose continuations run elsewhere.
    private void Deliver(ICorrelated reply)
    {
        // A reply nobody waits for any more is dropped: items it lent stay lent to their handle, and
        // go back when that handle asks again, gives back, or its process ends.
        if (_pending.TryRemove(reply.RequestId, out var pending))
            pending.Reply.TrySetResult(reply);
    }

    private void Fail(IActorRef target)
    {
        foreach (var (id, pending) in _pending.Where(p => p.Value.Target.Equals(target)).ToList())
            if (_pending.TryRemove(id, out _))
                pending.Reply.TrySetException(new MpRemoteGoneException(
                    $"The actor behind this handle ({target.Path}, on {_nodes.Describe(target.Path.Address)}) is gone: the process that created it has ended."));
    }

    private sealed class InboxRef(Correlator correlator, IActorRefProvider provider, ActorPath path) : MinimalActorRef
    {
        public override ActorPath Path { get; } = path;

        public override IActorRefProvider Provider { get; } = provider;

        protected override void TellInternal(object message, IActorRef sender)
        {
            if (message is ICorrelated reply) correlator.Deliver(reply);
            else if (message is IMpMessage notice) correlator._notices(notice);
        }
    }

    private sealed class WatcherActor : ReceiveActor
    {
        public WatcherActor(Correlator correlator)
        {
            var deaths = new HostDeathWatch(Context);
            Receive<WatchTarget>(w => deaths.Watch(w.Target));
            Receive<Terminated>(t =>
            {
                deaths.Terminated(t.ActorRef);
                correlator.Fail(t.ActorRef);
            });
            Receive<HostGone>(host =>
            {
                foreach (var target in deaths.Gone(host)) correlator.Fail(target);
            });
            Receive<HostDeathWatch.AlreadyGone>(gone => correlator.Fail(gone.Actor));
        }
    }
}
