namespace Multiprocessing.Messages;

/// <summary>A request or reply matched by <see cref="RequestId"/>, unique per requesting node.</summary>
public interface ICorrelated : IMpMessage
{
    long RequestId { get; }
}
