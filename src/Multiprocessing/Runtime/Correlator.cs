using System.Collections.Concurrent;
using Akka.Actor;
using Multiprocessing.Messages;

namespace Multiprocessing.Runtime;

/// <summary>
/// Matches the replies of a node's handles to their requests. Requests go out with the node's
/// reply inbox as sender. The inbox is not an actor but a reference registered under /temp (as
/// Akka's own Ask does): a reply completes the waiting task on the thread that delivers it, with
/// no mailbox hop. A watcher actor watches every target with a request in flight, so a request to
/// an actor that dies fails instead of waiting forever.
/// </summary>
internal sealed class Correlator
{
    private sealed record Pending(TaskCompletionSource<ICorrelated> Reply, IActorRef Target);
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
    private readonly Timer _resender;
    private readonly Action<IMpMessage> _notices;
    private readonly TimeSpan _settleTimeout;
    private readonly TimeSpan _spin;
    private readonly IActorRef _watcher;
    private long _nextId;

    /// <param name="settleTimeout">How long a request that was given up may take to be settled (multiprocessing.ask-timeout).</param>
    /// <param name="spin">How long a blocking caller spins before it sleeps (multiprocessing.spin-before-blocking-micros).</param>
    /// <param name="notices">Where messages to this node's handles that answer no request go (a queue recalling a lease), on the delivering thread.</param>
    /// <param name="resendAfter">How long a routed request waits for its answer before it is sent again (multiprocessing.manager.resend-after).</param>
    public Correlator(ActorSystem system, TimeSpan settleTimeout, TimeSpan spin, Action<IMpMessage> notices, TimeSpan resendAfter)
    {
        _notices = notices;
        _resendAfter = resendAfter;
        _resender = new Timer(_ => ResendOverdue(), null, resendAfter / 2, resendAfter / 2);
        system.RegisterOnTermination(_resender.Dispose);
        _settleTimeout = settleTimeout;
        _spin = spin;
        var provider = ((ExtendedActorSystem)system).Provider;
        var inbox = new InboxRef(this, provider, provider.TempPath());
        provider.RegisterTempActor(inbox, inbox.Path);
        Inbox = inbox;
        _watcher = system.ActorOf(Props.Create(() => new WatcherActor(this)), "mp-replies");
    }

    /// <summary>Where replies are sent.</summary>
    public IActorRef Inbox { get; }

    /// <summary>
    /// Sends the request made from a fresh id to <paramref name="target"/> and waits for its reply.
    /// The wait ends at <paramref name="wait"/> or the cancellation, but the request ends only when
    /// the target says so: the caller sends <see cref="CancelRequest"/> and waits for the answer that
    /// settles it. A late reply that carries items or an accepted put wins over the timeout; a timeout
    /// otherwise returns <see cref="RequestCancelled"/>, a cancellation throws.
    /// <paramref name="envelope"/> wraps what is sent to a target that routes (a shard region). A routed
    /// request (and its cancel) is sent again every multiprocessing.manager.resend-after until it is
    /// answered: a shard region drops what it buffered for a shard that is being handed off, and the
    /// objects behind it run each request once (<see cref="Shared.SeenRequests"/>).
    /// </summary>
    public async Task<ICorrelated> RequestAsync(IActorRef target, Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken,
        Func<object, object>? envelope = null, bool routed = false)
    {
        envelope ??= message => message;
        var (id, reply) = Send(target, id => envelope(request(id)));
        if (routed) _resends[id] = new Resend(target, envelope(request(id)));
        try
        {
            return await reply.WaitAsync(wait ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            var cancel = envelope(new CancelRequest(id));
            if (_resends.TryGetValue(id, out var resend)) resend.Message = cancel;
            return await SettleAsync(target, cancel, reply, e);
        }
    }

    private void ResendOverdue()
    {
        var now = Environment.TickCount64;
        foreach (var (id, resend) in _resends)
        {
            if (!_pending.ContainsKey(id)) _resends.TryRemove(id, out _); // answered, or its target is gone
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
        var (id, reply) = Send(target, request);
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
            return SettleAsync(target, new CancelRequest(id), reply, new TimeoutException()).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException e) when (!reply.IsCompleted)
        {
            return SettleAsync(target, new CancelRequest(id), reply, e).GetAwaiter().GetResult();
        }
    }

    // The request was given up (timeout or cancellation): ask the target to settle it and take its answer.
    private async Task<ICorrelated> SettleAsync(IActorRef target, object cancel, Task<ICorrelated> reply, Exception givenUp)
    {
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

    private (long Id, Task<ICorrelated> Reply) Send(IActorRef target, Func<long, object> request)
    {
        var id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(new TaskCompletionSource<ICorrelated>(TaskCreationOptions.RunContinuationsAsynchronously), target);
        _pending[id] = pending;
        _watcher.Tell(new WatchTarget(target));
        target.Tell(request(id), Inbox);
        return (id, pending.Reply.Task);
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
                    $"The actor behind this handle ({target.Path}) is gone: the process that created it has ended."));
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
            var watched = new HashSet<IActorRef>();
            Receive<WatchTarget>(w =>
            {
                if (watched.Add(w.Target)) Context.Watch(w.Target);
            });
            Receive<Terminated>(t =>
            {
                watched.Remove(t.ActorRef);
                correlator.Fail(t.ActorRef);
            });
        }
    }
}
