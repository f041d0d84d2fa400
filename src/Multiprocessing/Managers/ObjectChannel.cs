using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// How a container proxy talks to its Manager object: one <see cref="ObjectCall"/> per operation,
/// bounded by multiprocessing.ask-timeout (container operations wait for nothing but the object),
/// its exception rethrown here as the same kind. Serializable with the proxy.
/// After a first request through the shard region, calls go straight to the entity (one network
/// hop each way instead of two through the coordinator's region proxy). An entity that moved or
/// stopped never ran those calls (it answers them "moved", or they reach no one and the
/// entity's death ends them), so they are sent again through the region, which knows the new home.
/// Containers never park a request, so nothing is waiting in a state that moved.
/// </summary>
internal sealed class ObjectChannel(SharedObjectAddress address)
{
    public const string Locate = "__locate__";

    private IActorRef? _direct;
    private bool _locating;

    public SharedObjectAddress Address { get; } = address;

    public async Task<IReadOnlyList<byte[]>> CallAsync(string operation, IReadOnlyList<byte[]> args, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _direct) is { } direct)
        {
            try
            {
                return Result(operation, await SendAsync(direct, operation, args, cancellationToken), retryable: true);
            }
            catch (Exception e) when (e is MpRemoteGoneException or ObjectMovedException)
            {
                Interlocked.CompareExchange(ref _direct, null, direct);
            }
        }
        else LocateSoon();
        return Result(operation, await Address.RequestAsync(id => new ObjectCall(id, operation, args), Address.Runtime.Settings.AskTimeout, cancellationToken), retryable: false);
    }

    public IReadOnlyList<byte[]> Call(string operation, params byte[][] args) => CallAsync(operation, args).GetAwaiter().GetResult();

    public byte[] Bytes<T>(T value) => value is null ? [] : Address.Runtime.Payloads.Serialize(value, "a Manager object's argument");

    public T Value<T>(byte[] bytes) => bytes.Length == 0 ? default! : (T)Address.Runtime.Payloads.Deserialize(bytes, "a Manager object's value");

    private Task<ICorrelated> SendAsync(IActorRef entity, string operation, IReadOnlyList<byte[]> args, CancellationToken cancellationToken) =>
        Address.Runtime.Correlator.RequestAsync(entity, id => new ObjectCall(id, operation, args), Address.Runtime.Settings.AskTimeout, cancellationToken,
            message => new EntityEnvelope(Address.EntityId!, message));

    // Asks the entity for its own reference, once at a time; calls keep going through the region meanwhile.
    private void LocateSoon()
    {
        lock (this)
        {
            if (_locating) return;
            _locating = true;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var reply = await Address.RequestAsync(id => new ObjectCall(id, Locate, []), Address.Runtime.Settings.AskTimeout, CancellationToken.None);
                if (reply is ObjectReturn { Values: [var entity] }) Volatile.Write(ref _direct, Value<IActorRef>(entity));
            }
            catch (Exception)
            {
                // Not located: calls go on through the region.
            }
            finally
            {
                lock (this) _locating = false;
            }
        });
    }

    private IReadOnlyList<byte[]> Result(string operation, ICorrelated reply, bool retryable) => reply switch
    {
        ObjectReturn values => values.Values,
        ObjectFault fault when retryable && fault.ExceptionType == ObjectMovedException.TypeName => throw new ObjectMovedException(),
        ObjectFault fault => throw ObjectFaults.Rebuild(fault),
        RequestCancelled => throw new TimeoutException(
            $"The Manager object did not answer '{operation}' within {Address.Runtime.Settings.AskTimeout} (multiprocessing.ask-timeout)."),
        _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} to '{operation}'."),
    };
}

/// <summary>A call sent straight to an entity that was moving away: it did not run, and goes again through the region.</summary>
internal sealed class ObjectMovedException() : Exception("The Manager object is moving to another worker node.")
{
    public static readonly string TypeName = typeof(ObjectMovedException).AssemblyQualifiedName!;
}
