namespace Multiprocessing.Messages;

/// <summary>A request or reply matched by <see cref="RequestId"/>, unique per requesting node.</summary>
public interface ICorrelated : IMpMessage
{
    long RequestId { get; }
}

/// <summary>The requester gave up on <paramref name="RequestId"/>; it is answered <see cref="RequestCancelled"/>,
/// unless its answer is already on its way, and that answer then settles it.</summary>
public sealed record CancelRequest(long RequestId) : ICorrelated;

public sealed record RequestCancelled(long RequestId) : ICorrelated;
