using System.Collections.Concurrent;
using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Queues;

namespace Multiprocessing.Runtime;

/// <summary>
/// Matches the replies of a node's handles to their requests. Requests go out with the
/// node's reply inbox as sender; the inbox completes the waiting task. It watches every target
/// with a request in flight, so a request to an actor that dies fails instead of waiting forever.
/// </summary>
internal sealed class Correlator
{
    private sealed record Pending(TaskCompletionSource<ICorrelated> Reply, IActorRef Target);
    private sealed record WatchTarget(IActorRef Target);

    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly TimeSpan _settleTimeout;
    private long _nextId;

    /// <param name="settleTimeout">How long a request that was given up may take to be settled (multiprocessing.ask-timeout).</param>
    public Correlator(ActorSystem system, TimeSpan settleTimeout)
    {
        _settleTimeout = settleTimeout;
        Inbox = system.ActorOf(Props.Create(() => new InboxActor(this)), "mp-replies");
    }

    /// <summary>The actor replies are sent to.</summary>
    public IActorRef Inbox { get; }

    /// <summary>
    /// Sends the request made from a fresh id to <paramref name="target"/> and waits for its reply.
    /// The wait ends at <paramref name="wait"/> or the cancellation, but the request ends only when
    /// the target says so: the caller sends <see cref="CancelRequest"/> and waits for the answer that
    /// settles it. A late reply that carries items or an accepted put wins over the timeout; a timeout
    /// otherwise returns <see cref="RequestCancelled"/>, a cancellation throws.
    /// <paramref name="envelope"/> wraps what is sent to a target that routes (a shard region).
    /// </summary>
    public async Task<ICorrelated> RequestAsync(IActorRef target, Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken,
        Func<object, object>? envelope = null)
    {
        envelope ??= message => message;
        var (id, reply) = Send(target, id => envelope(request(id)));
        try
        {
            return await reply.WaitAsync(wait ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            target.Tell(envelope(new CancelRequest(id)), Inbox);
            ICorrelated settled;
            try
            {
                settled = await reply.WaitAsync(_settleTimeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{target.Path} did not answer within {_settleTimeout} (multiprocessing.ask-timeout).");
            }
            if (settled is RequestCancelled && e is OperationCanceledException) throw;
            return settled;
        }
    }

    private (long Id, Task<ICorrelated> Reply) Send(IActorRef target, Func<long, object> request)
    {
        var id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(new TaskCompletionSource<ICorrelated>(TaskCreationOptions.RunContinuationsAsynchronously), target);
        _pending[id] = pending;
        Inbox.Tell(new WatchTarget(target));
        target.Tell(request(id), Inbox);
        return (id, pending.Reply.Task);
    }

    private void Deliver(ICorrelated reply, IActorRef sender)
    {
        if (_pending.TryRemove(reply.RequestId, out var pending))
            pending.Reply.TrySetResult(reply);
        else if (reply is QueueItems late)
            sender.Tell(new QueueUnget(late.Items)); // nobody waits for them any more: give them back
    }

    private void Fail(IActorRef target)
    {
        foreach (var (id, pending) in _pending.Where(p => p.Value.Target.Equals(target)).ToList())
            if (_pending.TryRemove(id, out _))
                pending.Reply.TrySetException(new MpRemoteGoneException(
                    $"The actor behind this handle ({target.Path}) is gone: the process that created it has ended."));
    }

    private sealed class InboxActor : ReceiveActor
    {
        public InboxActor(Correlator correlator)
        {
            var watched = new HashSet<IActorRef>();
            Receive<WatchTarget>(w =>
            {
                if (watched.Add(w.Target)) Context.Watch(w.Target);
            });
            Receive<ICorrelated>(reply => correlator.Deliver(reply, Sender));
            Receive<Terminated>(t =>
            {
                watched.Remove(t.ActorRef);
                correlator.Fail(t.ActorRef);
            });
        }
    }
}
