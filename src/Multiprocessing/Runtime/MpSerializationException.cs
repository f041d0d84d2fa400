namespace Multiprocessing;

/// <summary>A value could not cross to another process (Python's PicklingError): it names the offending type.</summary>
public sealed class MpSerializationException : MpException
{
    public MpSerializationException(string message, Exception? inner = null) : base(message, inner) { }
}
