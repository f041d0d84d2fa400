namespace Multiprocessing;

/// <summary>
/// This OS is not one the library runs on (it runs on Linux only). Thrown by <c>Mp.StartAsync</c>
/// before anything starts; the message is one line naming the OS found and the one supported, and
/// the command-line programs print it and exit with 2.
/// </summary>
public class MpUnsupportedPlatformException : MpException
{
    public MpUnsupportedPlatformException(string message) : base(message) { }
}
