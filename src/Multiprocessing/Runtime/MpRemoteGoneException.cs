namespace Multiprocessing;

/// <summary>The process that owned a shared object (a queue, a pipe end...) has ended: the object went with it.</summary>
public sealed class MpRemoteGoneException(string message) : Exception(message);
