using Akka.Event;

namespace Multiprocessing.Output;

/// <summary>
/// Akka's own log lines (warnings about unreachable nodes, shutdown phases) go to standard
/// error: a program's standard output is its own, as with Python's <c>multiprocessing</c>.
/// Named by <c>akka.stdout-logger-class</c>, which Akka's default logger also writes through.
/// </summary>
internal sealed class StandardErrorLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is not LogEvent logEvent) Console.Error.WriteLine(message);
        else if (Filter.ShouldTryKeepMessage(logEvent, out var text)) Console.Error.WriteLine(text);
    }
}
