using Akka.Actor;
using Multiprocessing.Runtime;

namespace Multiprocessing.Direct;

/// <summary>
/// The sender of a request that came over a <see cref="DirectFrames.Mode.Calls"/> connection: what
/// the recipient tells it is written back on that connection, where the caller waits for it.
/// Not an actor and not reachable by path; one per connection (its caller makes one call at a time).
/// </summary>
internal sealed class DirectReplyRef(Stream connection, PayloadSerializer payloads, IActorRefProvider provider) : MinimalActorRef
{
    private readonly object _writeLock = new();

    public override ActorPath Path { get; } = provider.TempPath();

    public override IActorRefProvider Provider { get; } = provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        try
        {
            var block = DirectFrames.EncodeBlock(payloads.Serialize(message, "a reply over a direct link"));
            lock (_writeLock) connection.Write(block);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or MpSerializationException)
        {
            // The caller is gone, or the reply cannot travel: closing makes the caller go the usual way.
            connection.Dispose();
        }
    }
}
