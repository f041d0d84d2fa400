using System.Text;
using Multiprocessing.Processes;

namespace Multiprocessing.Output;

/// <summary>
/// Console.Out / Console.Error of a host: text written by a process goes, line by line, to
/// the node that started it; anything else (the node's own logs) goes to the real stream.
/// </summary>
internal sealed class OutputRouter(TextWriter original, bool isError) : TextWriter
{
    public override Encoding Encoding => original.Encoding;

    // Process-wide as the console it wraps: it routes each line by the process scope of the thread that writes it.
    public static void Install()
    {
        Console.SetOut(new OutputRouter(Console.Out, isError: false));
        Console.SetError(new OutputRouter(Console.Error, isError: true));
    }

    public override void Write(char value) => Write([value]);

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (ProcessScope.Current is { } scope) scope.Write(buffer, isError);
        else original.Write(buffer);
    }

    public override void Flush()
    {
        if (ProcessScope.Current is null) original.Flush();
    }
}
