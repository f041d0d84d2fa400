using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Multiprocessing.Logging;

/// <summary>The <see cref="ILoggerFactory"/> a node's Akka log events go to, handed to its actor system at creation.</summary>
internal sealed class LoggingSetup(ILoggerFactory loggers) : Setup
{
    public ILoggerFactory Loggers { get; } = loggers;
}

/// <summary>
/// Akka's logger (named by <c>akka.loggers</c>): each log event that passes the system's log filter goes to
/// the <see cref="LoggingSetup"/>'s <see cref="ILoggerFactory"/>, in the category of the class that logged it.
/// Akka.Hosting has one too, but it ignores the log filter (the remoting churn every node drops) and logs
/// errors as warnings.
/// </summary>
internal sealed class AkkaLogBridge : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _loggers;
    private readonly LogFilterEvaluator _filter;
    private readonly Dictionary<Type, ILogger> _byClass = [];

    public AkkaLogBridge()
    {
        var setup = Context.System.Settings.Setup.Get<LoggingSetup>();
        _loggers = setup.HasValue ? setup.Value.Loggers : LineLoggerFactory.StandardError();
        _filter = Context.System.Settings.LogFilter;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent logEvent:
                Log(logEvent);
                return true;
            default:
                return false;
        }
    }

    private void Log(LogEvent logEvent)
    {
        var level = LevelOf(logEvent.LogLevel());
        if (!_byClass.TryGetValue(logEvent.LogClass, out var logger))
            _byClass[logEvent.LogClass] = logger = _loggers.CreateLogger(CategoryOf(logEvent.LogClass));
        if (!logger.IsEnabled(level) || !_filter.ShouldTryKeepMessage(logEvent, out _)) return;
        LogMessages.AkkaEvent(logger, level, logEvent.LogSource, TextOf(logEvent.Message), logEvent.Cause);
    }

    private static LogLevel LevelOf(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    // As ILogger<T> names its category: the full name, nested types joined with '.', no generic arguments.
    private static string CategoryOf(Type type)
    {
        var name = type.FullName ?? type.Name;
        var generic = name.IndexOf('`');
        return (generic < 0 ? name : name[..generic]).Replace('+', '.');
    }

    // A message whose format does not fit its arguments is still logged, as its format.
    private static string TextOf(object message)
    {
        try
        {
            return message.ToString() ?? "";
        }
        catch (FormatException)
        {
            return message is LogMessage logMessage ? logMessage.Format : message.GetType().FullName!;
        }
    }
}
