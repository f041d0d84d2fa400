using Akka.Actor;
using Multiprocessing.Messages.Direct;

namespace Multiprocessing.Messages.Managers;

// A Manager's objects are entities of Akka.Cluster.Sharding on the worker nodes; proxies reach
// them through a shard region with an EntityEnvelope. Containers (dict, list, namespace,
// registered objects) take one generic call: an operation name and serialized arguments, so
// keys and values stay bytes on the worker. An entity never exists without state: it asks the
// coordinator's keeper for it when it starts, and gives it back there when its shard moves.

/// <summary>
/// Operation <paramref name="Operation"/> of a Manager container with serialized arguments. <paramref name="CallId"/>
/// (random, the same each time the call is sent again, by whatever way) lets the object answer a call it already
/// ran with its first answer, even after it moved to another node with a dead one's copy; 0 inside a batch.
/// </summary>
public sealed record ObjectCall(long RequestId, string Operation, IReadOnlyList<byte[]> Args, long CallId = 0) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Payloads.Size(Args);

    public IReadOnlyList<byte[]> Payload => Args;

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Args = payload };
}

/// <summary>The serialized results of an <see cref="ObjectCall"/> (none, one, or many for a snapshot).</summary>
public sealed record ObjectReturn(long RequestId, IReadOnlyList<byte[]> Values) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Payloads.Size(Values);

    public IReadOnlyList<byte[]> Payload => Values;

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Values = payload };
}

/// <summary>The operation threw: rethrown at the caller as <paramref name="ExceptionType"/> (assembly-qualified name) where it can be rebuilt.</summary>
public sealed record ObjectFault(long RequestId, string ExceptionType, string Message, string? RemoteStackTrace) : ICorrelated;

/// <summary>Calls made concurrently through one proxy, sent together: applied in order, each atomically, answered by one <see cref="ObjectResults"/> (<paramref name="CallId"/> as <see cref="ObjectCall"/>'s).</summary>
public sealed record ObjectCalls(long RequestId, IReadOnlyList<ObjectCall> Calls, long CallId = 0) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Calls.Sum(c => c.PayloadBytes);

    public IReadOnlyList<byte[]> Payload => Payloads.Of(Calls);

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Calls = Payloads.With(Calls, payload) };
}

/// <summary>One <see cref="ObjectReturn"/> or <see cref="ObjectFault"/> per call of an <see cref="ObjectCalls"/>, in order (their ids are the calls' ids).</summary>
public sealed record ObjectResults(long RequestId, IReadOnlyList<ICorrelated> Results) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Results.Sum(r => r is IPayloadCarrier c ? c.PayloadBytes : 0);

    public IReadOnlyList<byte[]> Payload => Payloads.Of(Results);

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Results = Payloads.With(Results, payload) };
}

/// <summary>Entity to keeper, when it starts: the state to begin with.</summary>
public sealed record RestoreObject(string EntityId) : IMpMessage;

/// <summary>
/// Keeper to entity: its serialized state (the initial one, what it saved when its shard moved, or the copy the keeper
/// kept of an object whose node was lost), then the calls to run on it again (<see cref="ReplicateObject.Calls"/>).
/// <paramref name="Incarnation"/> numbers this start of the object: its copies are taken from this start only.
/// <paramref name="Replicated"/>: the object keeps its copy up to date; <paramref name="LostFrom"/>: it was lost with that node.
/// </summary>
public sealed record ObjectRestored(string EntityId, byte[] State, IReadOnlyList<ICorrelated> Calls, long Incarnation, bool Replicated, string? LostFrom)
    : IPayloadCarrier
{
    public long PayloadBytes => StateAndCalls.Bytes(State, Calls);

    public IReadOnlyList<byte[]> Payload => StateAndCalls.Payload(State, Calls);

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { State = payload[0], Calls = StateAndCalls.Calls(Calls, payload) };
}

/// <summary>How a state and the calls to run on it again carry their arrays: the state's, then each call's.</summary>
public static class StateAndCalls
{
    public static long Bytes(byte[] state, IReadOnlyList<ICorrelated> calls) => state.LongLength + Payloads.Size(Payloads.Of(calls));

    public static IReadOnlyList<byte[]> Payload(byte[] state, IReadOnlyList<ICorrelated> calls) => [state, .. Payloads.Of(calls)];

    /// <summary>The calls carrying their arrays of <paramref name="payload"/> (after the state's).</summary>
    public static IReadOnlyList<ICorrelated> Calls(IReadOnlyList<ICorrelated> calls, IReadOnlyList<byte[]> payload) => Payloads.With(calls, [.. payload.Skip(1)]);
}

/// <summary>
/// Entity to keeper, before the operations it describes are acknowledged: a whole new copy of the state
/// (<paramref name="State"/>; empty: none) and then the container calls that changed it since
/// (<see cref="ObjectCall"/>s and <see cref="ObjectCalls"/>, run again on the copy when the object is restored).
/// Numbered from 1 per <paramref name="Incarnation"/>; answered <see cref="ObjectReplicated"/>, sent again until it is.
/// </summary>
public sealed record ReplicateObject(string EntityId, long Incarnation, long Seq, byte[] State, IReadOnlyList<ICorrelated> Calls)
    : IDirectMessage, IPayloadCarrier
{
    public long PayloadBytes => StateAndCalls.Bytes(State, Calls);

    public IReadOnlyList<byte[]> Payload => StateAndCalls.Payload(State, Calls);

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { State = payload[0], Calls = StateAndCalls.Calls(Calls, payload) };
}

/// <summary>Keeper to entity: the copy holds everything up to <paramref name="Seq"/>; what waited for it may be answered.</summary>
public sealed record ObjectReplicated(string EntityId, long Incarnation, long Seq) : IDirectMessage;

/// <summary>Keeper to entity: there is no state to start from (the object was disposed, or lost with a worker that died).</summary>
public sealed record ObjectUnavailable(string EntityId, bool Disposed, string Reason) : IMpMessage;

/// <summary>
/// A caller to the keeper: on which node does the entity of <paramref name="EntityId"/> hold its
/// state? Asked when a node is lost, by a caller whose request may be stranded there; answered <see cref="ObjectHome"/>.
/// </summary>
public sealed record WhereIsObject(long RequestId, string EntityId) : ICorrelated;

/// <summary>The node whose entity holds the object's state, or held it when it was lost; null while none does (not started, moving, disposed, or coming back from its copy).</summary>
public sealed record ObjectHome(long RequestId, Address? Node) : ICorrelated;

/// <summary>
/// Entity to keeper, when its shard is handed off: its serialized state, answered <see cref="ObjectSaved"/>. Kept only
/// from the entity of the object's current start (<paramref name="Incarnation"/>, as <see cref="ObjectRestored"/> gave it).
/// </summary>
public sealed record SaveObject(string EntityId, long Incarnation, byte[] State) : IPayloadCarrier
{
    public long PayloadBytes => State.LongLength;

    public IReadOnlyList<byte[]> Payload => [State];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { State = payload[0] };
}

/// <summary>
/// Keeper to entity: its state is kept; or, <paramref name="Superseded"/>, it was not, because another entity holds the
/// object now (this one was cut off, and its node taken for lost): what it did since its last acknowledged copy never happened.
/// </summary>
public sealed record ObjectSaved(string EntityId, bool Superseded = false) : IMpMessage;

/// <summary>The shard's stop message at hand-off: the entity saves its state, then stops.</summary>
public sealed record HandOffObject : IMpMessage
{
    public static readonly HandOffObject Instance = new();
}

/// <summary>Keeper to entity when its Manager is disposed: answer what is parked with ObjectDisposedException, acknowledge with <see cref="ObjectDisposed"/>, then stop.</summary>
public sealed record DisposeObject : IMpMessage
{
    public static readonly DisposeObject Instance = new();
}

public sealed record ObjectDisposed(string EntityId) : IMpMessage;

/// <summary>Coordinator to a worker node's agent, once a Manager exists: host the Managers' shard region
/// (idempotent). Nodes that never see a Manager never start it, nor pay for it at start or at leave.</summary>
public sealed record StartManagerRegion : IMpMessage
{
    public static readonly StartManagerRegion Instance = new();
}
