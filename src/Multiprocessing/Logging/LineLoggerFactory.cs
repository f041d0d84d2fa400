using Microsoft.Extensions.Logging;

namespace Multiprocessing.Logging;

/// <summary>
/// An <see cref="ILoggerFactory"/> that writes each entry as one line of text: the library's own when
/// the program gives none (<see cref="StandardError"/>), and a launched host's (<see cref="HostLogRecord"/>).
/// Levels are filtered before it (akka.loglevel), so it writes whatever reaches it.
/// </summary>
internal sealed class LineLoggerFactory(Func<TextWriter> target, LineLoggerFactory.Format format) : ILoggerFactory
{
    /// <summary>Renders one entry as the line (or lines, for an exception's trace) to write.</summary>
    public delegate string Format(LogLevel level, string category, string message, Exception? exception);

    /// <summary>For people: <c>[WARNING][2025-01-31 12:00:00.000Z][category] message</c> on this process's standard error.</summary>
    public static LineLoggerFactory StandardError() => new(() => Console.Error, Readable);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, target, format);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The multiprocessing library's own logger takes no providers: give MpOptions.LoggerFactory a factory of yours instead.");

    public void Dispose() { }

    private static string Readable(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"[{LevelName(level)}][{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z][{category}] {message}";
        return exception is null ? line : line + Environment.NewLine + exception;
    }

    // Akka's names, which these lines replace.
    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    private sealed class Logger(string category, Func<TextWriter> target, Format format) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) target().WriteLine(format(logLevel, category, formatter(state, exception), exception));
        }
    }
}
