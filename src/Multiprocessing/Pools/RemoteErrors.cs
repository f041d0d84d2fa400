using System.Runtime.ExceptionServices;
using Multiprocessing.Messages.Pools;

namespace Multiprocessing.Pools;

/// <summary>Turns a <see cref="ChunkFailed"/> back into the exception raised in the worker, with its remote stack trace.</summary>
internal static class RemoteErrors
{
    public static Exception Rebuild(ChunkFailed failure)
    {
        var trace = $"{failure.StackTrace}{Environment.NewLine}   (in pool worker {failure.Worker})";
        var type = Type.GetType(failure.ExceptionType, throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type) && !type.IsAbstract)
        {
            try
            {
                // The same type as in the worker, so that `catch (TheirException)` works here as it does in Python.
                var rebuilt = type.GetConstructor([typeof(string)]) is { } withMessage
                    ? withMessage.Invoke([failure.Message])
                    : type.GetConstructor([typeof(string), typeof(Exception)])?.Invoke([failure.Message, null]);
                if (rebuilt is Exception exception)
                    return ExceptionDispatchInfo.SetRemoteStackTrace(exception, trace);
            }
            catch (Exception e) when (e is MissingMethodException or System.Reflection.TargetInvocationException or ArgumentException or InvalidOperationException or NotSupportedException)
            {
            }
        }
        return new MpRemoteTaskException(type?.FullName ?? failure.ExceptionType, failure.Message, trace);
    }
}
