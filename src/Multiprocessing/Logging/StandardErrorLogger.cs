using Akka.Event;

namespace Multiprocessing.Logging;

/// <summary>
/// What Akka logs before its loggers start and after they stop (start-up, the last shutdown phases)
/// goes to standard error: a program's standard output is its own, as with Python's <c>multiprocessing</c>.
/// Named by <c>akka.stdout-logger-class</c>; everything else goes through <see cref="AkkaLogBridge"/>.
/// </summary>
internal sealed class StandardErrorLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is not LogEvent logEvent) Console.Error.WriteLine(message);
        else if (Filter.ShouldTryKeepMessage(logEvent, out var text)) Console.Error.WriteLine(text);
    }
}
