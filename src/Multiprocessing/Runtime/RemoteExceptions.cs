using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Multiprocessing.Runtime;

/// <summary>
/// The one codec for an exception raised in another process (a pool task, a Manager object's method): the
/// type's name, the message and the stack trace travel as text. The caller gets the same type where it loads
/// here and can be made from a message, so that <c>catch (TheirException)</c> works as it does in Python;
/// otherwise the caller's own kind naming the remote type. Either way the remote stack trace shows in
/// <see cref="Exception.StackTrace"/> above the caller's, as .NET shows an exception rethrown from elsewhere.
/// </summary>
internal static class RemoteExceptions
{
    // An error must always fit its frame: a huge message would otherwise be dropped with the answer.
    private const int MaxTextLength = 64 * 1024;

    /// <summary>What travels of an exception.</summary>
    public readonly record struct Described(string TypeName, string Message, string StackTrace);

    public static Described Describe(Exception e)
    {
        if (e is TargetInvocationException { InnerException: { } inner }) e = inner; // a method called by reflection: its own exception
        var type = e.GetType();
        return new(type.AssemblyQualifiedName ?? type.FullName ?? type.Name, Bounded(e.Message), Bounded(e.StackTrace ?? ""));
    }

    /// <param name="fallback">Makes the exception to throw when the type cannot be rebuilt here, from the remote type's full name.</param>
    public static Exception Rebuild(string typeName, string message, string? remoteStackTrace, Func<string, Exception> fallback)
    {
        var type = Type.GetType(typeName, throwOnError: false);
        var rebuilt = (type is null ? null : Construct(type, message)) ?? fallback(type?.FullName ?? typeName.Split(',')[0]);
        return string.IsNullOrEmpty(remoteStackTrace) ? rebuilt : ExceptionDispatchInfo.SetRemoteStackTrace(rebuilt, remoteStackTrace);
    }

    // (message, inner) first: a (string) constructor may take something else (ArgumentNullException's
    // parameter name, ObjectDisposedException's object name).
    private static Exception? Construct(Type type, string message)
    {
        if (!typeof(Exception).IsAssignableFrom(type) || type.IsAbstract) return null;
        try
        {
            if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner) return (Exception)withInner.Invoke([message, null]);
            if (type.GetConstructor([typeof(string)]) is { } withMessage) return (Exception)withMessage.Invoke([message]);
        }
        catch (TargetInvocationException)
        {
            // Its constructor refused these arguments: the caller's fallback names the type instead.
        }
        return null;
    }

    private static string Bounded(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength] + " [...]";
}
