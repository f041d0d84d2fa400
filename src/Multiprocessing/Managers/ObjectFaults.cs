using System.Reflection;
using Multiprocessing.Messages.Managers;

namespace Multiprocessing.Managers;

/// <summary>An exception of a Manager's object, carried to the caller and thrown there as the same kind.</summary>
internal static class ObjectFaults
{
    public const string RemoteStackTraceKey = "RemoteStackTrace";

    public static ObjectFault Of(long requestId, Exception e)
    {
        if (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        return new ObjectFault(requestId, e.GetType().AssemblyQualifiedName ?? e.GetType().FullName!, e.Message, e.StackTrace);
    }

    public static ObjectFault Disposed(long requestId) =>
        Of(requestId, new ObjectDisposedException(null, "The Manager that held this object has been disposed."));

    /// <summary>The same exception type where it loads here and has a (message, inner) constructor; else an <see cref="MpManagerException"/> naming it.</summary>
    public static Exception Rebuild(ObjectFault fault)
    {
        Exception? rebuilt = null;
        var type = Type.GetType(fault.ExceptionType, throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type))
        {
            try
            {
                if (type == typeof(ObjectDisposedException)) rebuilt = new ObjectDisposedException(null, fault.Message);
                else if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner) rebuilt = (Exception)withInner.Invoke([fault.Message, null]);
                else if (type.GetConstructor([typeof(string)]) is { } withMessage) rebuilt = (Exception)withMessage.Invoke([fault.Message]);
            }
            catch (TargetInvocationException)
            {
                rebuilt = null;
            }
        }
        rebuilt ??= new MpManagerException($"{fault.ExceptionType.Split(',')[0]}: {fault.Message}");
        if (fault.RemoteStackTrace is { } stack) rebuilt.Data[RemoteStackTraceKey] = stack;
        return rebuilt;
    }
}
