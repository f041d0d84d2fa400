namespace Multiprocessing.Messages.Direct;

// Akka.Remote costs ~50 us per hop here, most of it thread hand-offs inside the transport. For
// the latency-bound paths (a pipe's messages) two nodes open a plain TCP link, negotiated over
// Akka, and such messages take it instead. Everything else (death watch, control) stays on Akka.

/// <summary>
/// A message that may take a direct link between two nodes instead of Akka.Remote. It holds no
/// actor reference (the link carries plain bytes), and its receiver does not rely on its order
/// relative to messages sent over Akka (it numbers them itself, as a pipe's deliveries are, or takes them in any
/// order, as a pool's dispatcher and workers do).
/// </summary>
public interface IDirectMessage : IMpMessage;

/// <summary>Where can this node be reached directly?</summary>
public sealed record DirectLinkQuery : IMpMessage;

/// <summary>
/// Connect to <paramref name="Host"/>:<paramref name="Port"/> and prove the cluster's key; a null host: this node
/// offers no direct link. <paramref name="Cookie"/> is only given when the cluster runs without credentials
/// (multiprocessing.security = off): then presenting it is the proof.
/// </summary>
public sealed record DirectLinkOffer(string? Host, int Port, byte[]? Cookie) : IMpMessage;

/// <summary>
/// The answer to a call over a direct link whose recipient was gone (the message went to dead
/// letters, or the link broke before a reply): the caller goes the usual way instead.
/// </summary>
public sealed record DirectCallUndelivered : IMpMessage
{
    public static readonly DirectCallUndelivered Instance = new();
}
