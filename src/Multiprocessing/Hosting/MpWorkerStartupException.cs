namespace Multiprocessing;

/// <summary>A local worker did not come up in time, or died on the way: the message names it and shows the end of its output.</summary>
public sealed class MpWorkerStartupException(string message) : MpException(message);
