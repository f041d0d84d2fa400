using Akka.Actor;

namespace Multiprocessing.Messages.Managers;

// A Manager's objects are entities of Akka.Cluster.Sharding on the worker nodes; proxies reach
// them through a shard region with an EntityEnvelope. Containers (dict, list, namespace,
// registered objects) take one generic call: an operation name and serialized arguments, so
// keys and values stay bytes on the worker. An entity never exists without state: it asks the
// coordinator's keeper for it when it starts, and gives it back there when its shard moves.

/// <summary>Operation <paramref name="Operation"/> of a Manager container with serialized arguments.</summary>
public sealed record ObjectCall(long RequestId, string Operation, IReadOnlyList<byte[]> Args) : ICorrelated, IPayloadCarrier
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

/// <summary>Calls made concurrently through one proxy, sent together: applied in order, each atomically, answered by one <see cref="ObjectResults"/>.</summary>
public sealed record ObjectCalls(long RequestId, IReadOnlyList<ObjectCall> Calls) : ICorrelated, IPayloadCarrier
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

/// <summary>Keeper to entity: its serialized state (the initial one, or what it saved when its shard moved).</summary>
public sealed record ObjectRestored(string EntityId, byte[] State) : IPayloadCarrier
{
    public long PayloadBytes => State.LongLength;

    public IReadOnlyList<byte[]> Payload => [State];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { State = payload[0] };
}

/// <summary>Keeper to entity: there is no state to start from (the object was disposed, or lost with a worker that died).</summary>
public sealed record ObjectUnavailable(string EntityId, bool Disposed, string Reason) : IMpMessage;

/// <summary>
/// A caller to the keeper: on which node does the entity of <paramref name="EntityId"/> hold its
/// state? Asked when a node is lost, by a caller whose request may be stranded there; answered <see cref="ObjectHome"/>.
/// </summary>
public sealed record WhereIsObject(long RequestId, string EntityId) : ICorrelated;

/// <summary>The node whose entity holds the object's state, or held it when it was lost; null while none does (not started, moving, disposed).</summary>
public sealed record ObjectHome(long RequestId, Address? Node) : ICorrelated;

/// <summary>Entity to keeper, when its shard is handed off: its serialized state, answered <see cref="ObjectSaved"/>.</summary>
public sealed record SaveObject(string EntityId, byte[] State) : IPayloadCarrier
{
    public long PayloadBytes => State.LongLength;

    public IReadOnlyList<byte[]> Payload => [State];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { State = payload[0] };
}

public sealed record ObjectSaved(string EntityId) : IMpMessage;

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
