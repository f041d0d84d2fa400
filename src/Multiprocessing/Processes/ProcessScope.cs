using System.Text;
using Multiprocessing.Messages.Processes;

namespace Multiprocessing.Processes;

/// <summary>
/// The process a piece of code runs for, carried by the execution context so that every
/// thread and task a target starts still belongs to it: <see cref="Mp.CurrentProcess"/> and
/// the routing of its Console output are read from here.
/// </summary>
internal sealed class ProcessScope(MpProcess process, Action<OutputLine> emit)
{
    private static readonly AsyncLocal<ProcessScope?> CurrentScope = new();

    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private bool _detached;

    public static ProcessScope? Current => CurrentScope.Value;

    public MpProcess Process { get; } = process;

    public static void Enter(ProcessScope scope) => CurrentScope.Value = scope;

    /// <summary>Buffers text and emits every completed line, in the order written.</summary>
    public void Write(ReadOnlySpan<char> text, bool isError)
    {
        lock (this)
        {
            if (_detached) return;
            var buffer = isError ? _err : _out;
            foreach (var c in text)
            {
                if (c == '\n')
                {
                    if (buffer.Length > 0 && buffer[^1] == '\r') buffer.Length--;
                    emit(new OutputLine(buffer.ToString(), isError));
                    buffer.Clear();
                }
                else buffer.Append(c);
            }
        }
    }

    /// <summary>Emits what is left of unfinished lines (a process that ends without a final newline).</summary>
    public void Flush()
    {
        lock (this)
        {
            if (_detached) return;
            if (_out.Length > 0) { emit(new OutputLine(_out.ToString(), false)); _out.Clear(); }
            if (_err.Length > 0) { emit(new OutputLine(_err.ToString(), true)); _err.Clear(); }
        }
    }

    /// <summary>A terminated process keeps no voice: whatever its thread still writes is dropped.</summary>
    public void Detach()
    {
        lock (this) _detached = true;
    }
}
