namespace Multiprocessing;

/// <summary>Python's <c>BrokenBarrierError</c>: the barrier was broken while waiting, or was already broken.</summary>
public sealed class MpBrokenBarrierException(string message) : MpException(message);
