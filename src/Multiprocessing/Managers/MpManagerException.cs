namespace Multiprocessing;

/// <summary>An operation of a Manager's object threw an exception whose type cannot be rebuilt here; the message names it.</summary>
public sealed class MpManagerException(string message) : MpException(message);
