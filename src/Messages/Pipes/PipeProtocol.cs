using Akka.Actor;
using Multiprocessing.Messages.Direct;

namespace Multiprocessing.Messages.Pipes;

// A pipe is two endpoint actors, one per end, each the other's peer. An end moves to the
// process that uses it (PipeRelocate -> PipeHandover), so messages go straight between the two
// processes; the endpoint made with the pipe (the origin) forwards to wherever the end is, and
// gets it back when that process ends. Every delivery is numbered by its sender, so a message
// that took the old route is put back in order.

/// <summary>Handle -> its endpoint: send <paramref name="Data"/> to the peer.</summary>
public sealed record PipeSend(byte[] Data) : IPayloadCarrier
{
    public long PayloadBytes => Data.LongLength;

    public IReadOnlyList<byte[]> Payload => [Data];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Data = payload[0] };
}

/// <summary>Endpoint -> peer endpoint: message number <paramref name="Seq"/> of this end.</summary>
public sealed record PipeDeliver(long Seq, byte[] Data) : IDirectMessage, IPayloadCarrier
{
    public long PayloadBytes => Data.LongLength;

    public IReadOnlyList<byte[]> Payload => [Data];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Data = payload[0] };
}

/// <summary>Reader's endpoint -> writer's: the reader's code received <paramref name="Bytes"/> more of what was sent (the writer's room grows).</summary>
public sealed record PipeConsumed(long Bytes) : IDirectMessage;

/// <summary>Take the next message (or, with <paramref name="Peek"/>, say whether one or the end of the stream is there).</summary>
public sealed record PipeRecv(long RequestId, bool Wait, bool Peek) : ICorrelated;

/// <summary>Handle -> its endpoint: this end is closed.</summary>
public sealed record PipeClose : IMpMessage;

/// <summary>Endpoint -> peer endpoint: no messages after the first <paramref name="Sent"/> will come (the reader gets
/// end-of-stream once it has had them all: some may still be on another route).</summary>
public sealed record PipePeerClosed(long Sent) : IDirectMessage;

/// <summary>A process that uses this end asks to hold its endpoint: <paramref name="NewEndpoint"/> takes over.</summary>
public sealed record PipeRelocate(IActorRef NewEndpoint) : IMpMessage;

/// <summary>The state of an end, moving to the endpoint that holds it from now on. <paramref name="Origin"/> is the
/// endpoint made with the pipe (in the creating process), where the end returns; Nobody when it is the receiver itself.</summary>
/// <paramref name="PeerClosedAfter"/>: the count the peer closed after, long.MaxValue while it is open, 0 if it died.
public sealed record PipeHandover(
    IActorRef Peer, long NextSendSeq, long NextExpectedSeq, IReadOnlyList<PipeDeliver> Received,
    long PeerClosedAfter, IActorRef Origin) : IPayloadCarrier
{
    public long PayloadBytes => Received.Sum(r => r.PayloadBytes);

    public IReadOnlyList<byte[]> Payload => Payloads.Of(Received);

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Received = Payloads.With(Received, payload) };
}

/// <summary>New owner -> the end's origin endpoint: forward to <paramref name="NewOwner"/> from now on.</summary>
public sealed record PipeOwnerMoved(IActorRef NewOwner) : IMpMessage;

/// <summary>Endpoint -> peer endpoint: send to <paramref name="NewEndpoint"/> from now on.</summary>
public sealed record PipePeerMoved(IActorRef NewEndpoint) : IMpMessage;

public sealed record PipeData(long RequestId, byte[] Data) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Data.LongLength;

    public IReadOnlyList<byte[]> Payload => [Data];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Data = payload[0] };
}
public sealed record PipeEof(long RequestId) : ICorrelated;
public sealed record PipeReady(long RequestId, bool Ready) : ICorrelated;

/// <summary>A returned end is held again by the endpoint it came from.</summary>
public sealed record PipeReturned : IMpMessage;
