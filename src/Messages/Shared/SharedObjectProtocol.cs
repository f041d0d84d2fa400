namespace Multiprocessing.Messages.Shared;

// A shared object (lock, value, dict...) is an actor holding its state. Objects made by a
// context (mp.Lock()) are plain actors addressed by reference; a Manager's objects are entities
// of Akka.Cluster.Sharding, addressed through a shard region with this envelope. Requests and
// replies follow the Correlator's rules (RequestId, CancelRequest settles a parked request).

/// <summary>A message for the Manager entity <paramref name="EntityId"/>, routed by the shard region.</summary>
public sealed record EntityEnvelope(string EntityId, object Message) : IPayloadCarrier
{
    public long PayloadBytes => Message is IPayloadCarrier carrier ? carrier.PayloadBytes : 0;

    public IReadOnlyList<byte[]> Payload => Payloads.Of([Message]);

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Message = Payloads.With([Message], payload)[0] };
}
