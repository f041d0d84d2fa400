using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Multiprocessing.Logging;

/// <summary>
/// One entry of what a host (worker node, spawn host) that a coordinator launched logs, carried as one line
/// on the host's standard error, which the coordinator reads: <c>#mp-log TAB level TAB category TAB message</c>,
/// with backslash, tab and line breaks escaped. A line that is not a record (what the host printed outside
/// its log: a fatal error, Akka's start-up lines) is read as an entry too, at the level it names if any.
/// </summary>
internal sealed record HostLogRecord(LogLevel Level, string Category, string Message)
{
    private const string Prefix = "#mp-log\t";

    /// <summary>The category of a host's lines that are not records.</summary>
    public const string PlainCategory = "Multiprocessing.Hosting";

    /// <summary>What a launched host logs through: records on <paramref name="standardError"/> (its own, not a process's).</summary>
    public static LineLoggerFactory Writer(TextWriter standardError) => new(() => standardError, Format);

    public static HostLogRecord Parse(string line)
    {
        if (line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var fields = line[Prefix.Length..].Split('\t', 3);
            if (fields.Length == 3 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level <= (int)LogLevel.Critical)
                return new HostLogRecord((LogLevel)level, Unescape(fields[1]), Unescape(fields[2]));
        }
        return new HostLogRecord(PlainLevel(line), PlainCategory, line);
    }

    /// <summary>Logs this entry of <paramref name="host"/> (its name and pid as MpHost and MpPid) to <paramref name="loggers"/>.</summary>
    public void LogTo(ILoggerFactory loggers, string host, int pid) => LogMessages.FromHost(loggers.CreateLogger(Category), Level, host, pid, Message);

    private static string Format(LogLevel level, string category, string message, Exception? exception) =>
        Prefix + ((int)level).ToString(CultureInfo.InvariantCulture) + "\t" + Escape(category) + "\t" +
        Escape(exception is null ? message : message + Environment.NewLine + exception);

    // Akka's minimal logger starts its lines with the level; anything else a host prints is unusual.
    private static LogLevel PlainLevel(string line) =>
        line.StartsWith("[DEBUG]", StringComparison.Ordinal) ? LogLevel.Debug
        : line.StartsWith("[INFO]", StringComparison.Ordinal) ? LogLevel.Information
        : line.StartsWith("[ERROR]", StringComparison.Ordinal) ? LogLevel.Error
        : LogLevel.Warning;

    private static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("\\\t\r\n") < 0) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c switch { '\\' => '\\', '\t' => 't', '\r' => 'r', '\n' => 'n', _ => '\0' } is var code and not '\0') escaped.Append('\\').Append(code);
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\')) return text;
        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                plain.Append(text[i]);
                continue;
            }
            plain.Append(text[++i] switch { 't' => '\t', 'r' => '\r', 'n' => '\n', var other => other });
        }
        return plain.ToString();
    }
}
