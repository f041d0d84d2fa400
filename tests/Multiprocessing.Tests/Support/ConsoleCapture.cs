using System.Text;

namespace Multiprocessing.Tests.Support;

/// <summary>Records what the coordinator prints (the lines its processes write land on its Console) while it lives.</summary>
public sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _originalOut = Console.Out;
    private readonly TextWriter _originalError = Console.Error;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    public ConsoleCapture()
    {
        Console.SetOut(TextWriter.Synchronized(new StringWriter(_out)));
        Console.SetError(TextWriter.Synchronized(new StringWriter(_error)));
    }

    public IReadOnlyList<string> OutLines => Lines(_out);
    public IReadOnlyList<string> ErrorLines => Lines(_error);

    public void Dispose()
    {
        Console.SetOut(_originalOut);
        Console.SetError(_originalError);
    }

    private static IReadOnlyList<string> Lines(StringBuilder builder)
    {
        lock (builder) return builder.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }
}
