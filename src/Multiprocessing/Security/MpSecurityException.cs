namespace Multiprocessing;

/// <summary>
/// A node cannot start securely as configured: no cluster credentials where they are needed, or a
/// credentials file that cannot be read. The message is one line that names the setting to fix.
/// </summary>
public sealed class MpSecurityException : Exception
{
    public MpSecurityException(string message, Exception? inner = null) : base(message, inner) { }
}
