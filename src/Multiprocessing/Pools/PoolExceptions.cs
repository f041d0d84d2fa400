namespace Multiprocessing;

/// <summary>A pool task raised an exception whose type could not be rebuilt here: it names the remote type and carries the remote stack trace.</summary>
public sealed class MpRemoteTaskException(string remoteType, string message, string remoteStackTrace)
    : MpException($"{remoteType}: {message}")
{
    /// <summary>The full name of the exception type raised in the worker.</summary>
    public string RemoteType { get; } = remoteType;

    /// <summary>The stack trace in the worker.</summary>
    public string RemoteStackTrace { get; } = remoteStackTrace;
}

/// <summary>
/// Pool work could not be done by any worker: its worker died too many times
/// (multiprocessing.pool.max-chunk-attempts), no worker was there for too long, or the pool
/// was terminated while the work was pending.
/// </summary>
public sealed class MpPoolException(string message) : MpException(message);
