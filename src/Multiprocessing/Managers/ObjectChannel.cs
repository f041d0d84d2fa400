using Akka.Actor;
using Hyperion;
using Multiprocessing.Direct;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// How a container proxy talks to its Manager object, bounded by multiprocessing.ask-timeout
/// (container operations wait for nothing but the object), each operation's exception rethrown
/// here as the same kind. Serializable with the proxy; what is local to a process lives beside it.
/// <list type="bullet">
/// <item>A blocking call is one request/reply (<see cref="Call"/>); once the entity is located,
/// over a direct link on which the calling thread itself waits (<see cref="DirectCalls"/>).</item>
/// <item>Async calls are pipelined: those made while a batch is on its way go together in the
/// next one (<see cref="ObjectCalls"/>), applied in order, each atomically.</item>
/// <item>After a first request through the shard region, requests go straight to the entity (one
/// network hop each way instead of two through the coordinator's region proxy). An entity that
/// moved or stopped never ran them (it answers "moved", or its death ends them), so they are sent
/// again through the region, which knows the new home. Containers never park a request, so
/// nothing is left waiting in a state that moved.</item>
/// </list>
/// </summary>
internal sealed class ObjectChannel
{
    public const string Locate = "__locate__";

    /// <summary>
    /// What a call adds beyond its arguments (its operation's name, id and lengths), about: a batch of many tiny calls
    /// stays within a message, and a copy's log of calls without arguments still grows.
    /// </summary>
    public const int CallEnvelopeBytes = 64;

    // This process's side, which never travels (Hyperion skips [Ignore] fields; it does not skip [NonSerialized]).
    [Ignore] private Local? _here;

    // The entity's own reference once located, here or in the process the proxy came from: it
    // travels with the proxy, so a child's first calls can go straight to the object.
    private IActorRef? _located;

    /// <summary>A new proxy's channel: the object is located (and so started) at once, not at its first use.</summary>
    public ObjectChannel(SharedObjectAddress address)
    {
        Address = address;
        LocateSoon(Here);
    }

    public SharedObjectAddress Address { get; }

    private NodeRuntime Runtime => Address.Runtime;

    private Local Here => Volatile.Read(ref _here) ?? LazyInitializer.EnsureInitialized(ref _here, () =>
    {
        var located = Volatile.Read(ref _located);
        if (located is not null) Runtime.DirectCalls.Prepare(located);
        var calls = new BatchFeeder<Pending>(Runtime.Payloads.BatchBytes, call => call.Args.Sum(a => (long)a.Length) + CallEnvelopeBytes, SendBatchAsync);
        return new Local(calls) { Direct = located };
    });

    /// <summary>One operation, one request/reply, waited for here.</summary>
    public IReadOnlyList<byte[]> Call(string operation, params byte[][] args)
    {
        var callId = NewCallId();
        return Result(operation, Blocking.Wait(() => SendAsync(id => new ObjectCall(id, operation, args, callId), $"'{operation}'", callerWaits: true, CancellationToken.None)));
    }

    // The same each time a call is sent again, by whatever way: the object answers it from its first run (random: unique
    // across every process's proxies without asking anyone).
    private static long NewCallId() => Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>One operation, sent with the others made meanwhile through this proxy.</summary>
    public Task<IReadOnlyList<byte[]>> CallAsync(string operation, IReadOnlyList<byte[]> args, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = new Pending(operation, args, new TaskCompletionSource<IReadOnlyList<byte[]>>(TaskCreationOptions.RunContinuationsAsynchronously));
        Here.Calls.Add(call);
        return call.Reply.Task.WaitAsync(cancellationToken);
    }

    public byte[] Bytes<T>(T value) => Runtime.Payloads.SerializeItem(value, "a Manager object's argument");

    public T Value<T>(byte[] bytes) => Runtime.Payloads.DeserializeItem<T>(bytes, "a Manager object's value")!;

    // The feeder's send: one batch of calls, one request; a batch that fails fails its calls, and the next goes on.
    private async Task SendBatchAsync(List<Pending> batch)
    {
        try
        {
            var callId = NewCallId();
            var reply = await SendAsync(id => new ObjectCalls(id, [.. batch.Select((c, i) => new ObjectCall(i, c.Operation, c.Args))], callId), "a batch of calls",
                callerWaits: false, CancellationToken.None);
            if (reply is not ObjectResults results) throw Unexpected(reply, "a batch of calls");
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    batch[i].Reply.TrySetResult(Result(batch[i].Operation, results.Results[i]));
                }
                catch (Exception e)
                {
                    batch[i].Reply.TrySetException(e);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var call in batch) call.Reply.TrySetException(e);
        }
    }

    // Straight to the entity once located: over a direct link to its node when there is one (a
    // caller that waits anyway waits on it; an async batch awaits it without holding a thread),
    // over Akka until then. Through the region when not located, or again when it moved, or when
    // its node is lost: the keeper knows whether the object is still there (lost with it), or moved.
    private async Task<ICorrelated> SendAsync(Func<long, ICorrelated> request, string what, bool callerWaits, CancellationToken cancellationToken)
    {
        var here = Here;
        var direct = Volatile.Read(ref here.Direct);
        // A shard region passes on only what fits one frame: a large request goes where the object is, located first.
        if (direct is null && IsLarge(request)) return await ThroughRegionAsync(request, here, cancellationToken);
        if (direct is not null && Runtime.Nodes.IsLost(direct.Path.Address))
        {
            Forget(here, direct);
            return await ThroughRegionAsync(request, here, cancellationToken);
        }
        if (direct is not null)
        {
            var call = new EntityEnvelope(Address.EntityId!, request(0));
            object? directReply;
            try
            {
                directReply = callerWaits ? Runtime.DirectCalls.TryCall(direct, call, what) : await Runtime.DirectCalls.TryCallAsync(direct, call, what);
            }
            catch (MpRemoteGoneException)
            {
                directReply = DirectCallUndelivered.Instance; // its node is lost: the region's way says what became of the object
            }
            if (ReferenceEquals(directReply, DirectCalls.LinkBroke)) directReply = DirectCallUndelivered.Instance; // the object runs it once: safe to send again
            switch (directReply)
            {
                case null: break; // no direct link to its node (yet)
                case ObjectFault { ExceptionType: var type } when type == ObjectMovedException.TypeName:
                case DirectCallUndelivered:
                    Forget(here, direct); // moved or gone: the region knows where
                    return await ThroughRegionAsync(request, here, cancellationToken);
                case ICorrelated reply:
                    return reply;
                case var other:
                    throw new InvalidOperationException($"Unexpected reply {other.GetType().Name} to {what}.");
            }
            try
            {
                var reply = await Runtime.Correlator.RequestAsync(direct, request, Runtime.Settings.AskTimeout, cancellationToken,
                    message => new EntityEnvelope(Address.EntityId!, message));
                if (reply is not ObjectFault { ExceptionType: var type } || type != ObjectMovedException.TypeName) return reply;
            }
            catch (MpRemoteGoneException)
            {
                // Stopped before it ran the request, or its node is lost: the region's way knows where the object went, or that it is lost.
            }
            Forget(here, direct);
        }
        else LocateSoon(here);
        return await ThroughRegionAsync(request, here, cancellationToken);
    }

    // Through the shard region, which knows where the object is now (and whether it is lost). A large request
    // cannot take it: the region only asks where the object is, and the request goes there (again if it moved meanwhile).
    private async Task<ICorrelated> ThroughRegionAsync(Func<long, ICorrelated> request, Local here, CancellationToken cancellationToken)
    {
        if (!IsLarge(request)) return await Address.RequestAsync(request, Runtime.Settings.AskTimeout, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var located = await LocateAsync(here);
            if (located is not ObjectReturn) return located; // a fault (disposed, lost): the call's answer
            var reply = await Runtime.Correlator.RequestAsync(Volatile.Read(ref here.Direct)!, request, Runtime.Settings.AskTimeout, cancellationToken,
                message => new EntityEnvelope(Address.EntityId!, message));
            if (attempt < 3 && reply is ObjectFault { ExceptionType: var type } && type == ObjectMovedException.TypeName) continue;
            return reply;
        }
    }

    private bool IsLarge(Func<long, ICorrelated> request) =>
        request(0) is IPayloadCarrier { PayloadBytes: var bytes } && bytes > Runtime.Payloads.BatchBytes;

    private void Forget(Local here, IActorRef moved)
    {
        Interlocked.CompareExchange(ref here.Direct, null, moved);
        Interlocked.CompareExchange(ref _located, null, moved);
    }

    // Asks the entity for its own reference, once at a time; requests keep going through the region meanwhile.
    private void LocateSoon(Local here)
    {
        lock (here)
        {
            if (here.Locating) return;
            here.Locating = true;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await LocateAsync(here);
            }
            catch (Exception)
            {
                // Not located: requests go on through the region.
            }
            finally
            {
                lock (here) here.Locating = false;
            }
        });
    }

    // Asks the entity, through the region, for its own reference: the reply, an ObjectReturn once located.
    private async Task<ICorrelated> LocateAsync(Local here)
    {
        var reply = await Address.RequestAsync(id => new ObjectCall(id, Locate, []), Runtime.Settings.AskTimeout, CancellationToken.None);
        if (reply is not ObjectReturn { Values: [var entity] }) return reply;
        var located = Value<IActorRef>(entity);
        Runtime.DirectCalls.Prepare(located);
        Volatile.Write(ref here.Direct, located);
        Volatile.Write(ref _located, located);
        return reply;
    }

    private IReadOnlyList<byte[]> Result(string operation, ICorrelated reply) => reply switch
    {
        ObjectReturn values => values.Values,
        ObjectFault fault => throw ObjectFaults.Rebuild(fault),
        RequestCancelled => throw new TimeoutException(
            $"The Manager object did not answer '{operation}' within {Runtime.Settings.AskTimeout} (multiprocessing.ask-timeout)."),
        _ => throw Unexpected(reply, $"'{operation}'"),
    };

    private static InvalidOperationException Unexpected(ICorrelated reply, string what) => new($"Unexpected reply {reply.GetType().Name} to {what}.");

    private sealed record Pending(string Operation, IReadOnlyList<byte[]> Args, TaskCompletionSource<IReadOnlyList<byte[]>> Reply);

    /// <summary>This process's side of a proxy: the entity once located, and the calls waiting for the next batch.</summary>
    private sealed class Local(BatchFeeder<Pending> calls)
    {
        /// <summary>The async calls made through this proxy, sent in batches.</summary>
        public readonly BatchFeeder<Pending> Calls = calls;
        public IActorRef? Direct;
        public bool Locating;
    }
}

/// <summary>A request sent straight to an entity that was moving away: it did not run, and goes again through the region.</summary>
internal sealed class ObjectMovedException() : MpException("The Manager object is moving to another worker node.")
{
    public static readonly string TypeName = typeof(ObjectMovedException).AssemblyQualifiedName!;
}
