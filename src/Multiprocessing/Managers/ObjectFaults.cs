using Multiprocessing.Messages.Managers;
using Multiprocessing.Runtime;

namespace Multiprocessing.Managers;

/// <summary>An exception of a Manager's object, carried to the caller and thrown there as the same kind (see <see cref="RemoteExceptions"/>).</summary>
internal static class ObjectFaults
{
    public static ObjectFault Of(long requestId, Exception e)
    {
        var (type, message, stackTrace) = RemoteExceptions.Describe(e);
        return new ObjectFault(requestId, type, message, stackTrace);
    }

    public static ObjectFault Disposed(long requestId) =>
        Of(requestId, new ObjectDisposedException(null, "The Manager that held this object has been disposed."));

    /// <summary>The same exception type where it can be made here; else an <see cref="MpManagerException"/> naming it.</summary>
    public static Exception Rebuild(ObjectFault fault) =>
        RemoteExceptions.Rebuild(fault.ExceptionType, fault.Message, fault.RemoteStackTrace, type => new MpManagerException($"{type}: {fault.Message}"));
}
