namespace Multiprocessing;

/// <summary>
/// A node cannot start securely as configured: no cluster credentials where they are needed, or a
/// credentials file that cannot be read. The message is one line that names the setting to fix; a
/// configuration mistake like any other, the command-line programs print it and exit with 2.
/// </summary>
public sealed class MpSecurityException : MpConfigurationException
{
    public MpSecurityException(string message, Exception? inner = null) : base(message, inner) { }
}
