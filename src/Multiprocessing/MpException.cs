namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.ProcessError</c>: the base of every exception this library defines, so
/// <c>catch (MpException)</c> catches any of them. Where .NET has a type for an error (misuse:
/// <see cref="InvalidOperationException"/>; end of a pipe: <see cref="EndOfStreamException"/>; a wait that
/// gave up: <see cref="TimeoutException"/>, <see cref="OperationCanceledException"/>) the library throws that instead.
/// </summary>
public class MpException : Exception
{
    public MpException(string message) : base(message) { }

    public MpException(string message, Exception? inner) : base(message, inner) { }
}
