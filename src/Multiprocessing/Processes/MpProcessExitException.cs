namespace Multiprocessing;

/// <summary>Thrown by <see cref="Mp.Exit"/> (Python's SystemExit): ends the running process with <see cref="Code"/>.</summary>
public sealed class MpProcessExitException(int code) : MpException($"Process exit requested with code {code}.")
{
    public int Code { get; } = code;
}
