namespace Multiprocessing;

/// <summary>
/// The process that owned a shared object (a queue, a pipe end...) has ended, or the node it is on
/// is lost (unreachable, or down): the object went with it, or cannot be reached until its node is
/// back. The message names the node where it is known.
/// </summary>
public sealed class MpRemoteGoneException(string message) : MpException(message);
