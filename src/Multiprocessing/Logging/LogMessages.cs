using Microsoft.Extensions.Logging;

namespace Multiprocessing.Logging;

/// <summary>The library's log entries, as structured templates: their placeholders are the properties an ILogger sees.</summary>
internal static partial class LogMessages
{
    /// <summary>An Akka log event of this node: its source (an actor's path, the system) and message.</summary>
    [LoggerMessage(Message = "[{AkkaSource}] {Message}")]
    public static partial void AkkaEvent(ILogger logger, LogLevel level, string akkaSource, string message, Exception? exception);

    /// <summary>An entry logged by a host this coordinator launched, tagged with the host's name and pid.</summary>
    [LoggerMessage(Message = "{MpHost} (pid {MpPid}): {Message}")]
    public static partial void FromHost(ILogger logger, LogLevel level, string mpHost, int mpPid, string message);
}
