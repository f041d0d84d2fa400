namespace Multiprocessing;

/// <summary>
/// The configuration is wrong: a HOCON file that is missing or is not HOCON, or a setting of the wrong
/// kind or out of range. The message is one line that names the file (or <c>MpOptions</c>), the line
/// and key where known, and what was expected; the command-line programs print it and exit with 2.
/// </summary>
public class MpConfigurationException : MpException
{
    public MpConfigurationException(string message, Exception? inner = null) : base(message, inner) { }
}
