using System.Text;
using Akka.Actor;
using Akka.Actor.Internal;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// A Manager container (dict, list, namespace, registered object): every operation is one
/// <see cref="ObjectCall"/> answered at once with its results, or with the exception it threw.
/// Keys and values stay serialized bytes here, compared by content, so a worker needs none of
/// the user's types and runs none of their code for a dict or a list.
/// </summary>
internal abstract class ContainerState : SharedState
{
    public sealed override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        var reply = request switch
        {
            ObjectCall call => Apply(call),
            ObjectCalls calls => new ObjectResults(calls.RequestId, [.. calls.Calls.Select(Apply)]),
            _ => ObjectFaults.Of(request.RequestId, new NotSupportedException($"{GetType().Name} does not handle {request.GetType().Name}.")),
        };
        host.Reply(caller, reply);
    }

    private ICorrelated Apply(ObjectCall call)
    {
        try
        {
            return new ObjectReturn(call.RequestId, Invoke(call.Operation, call.Args));
        }
        catch (Exception e)
        {
            return ObjectFaults.Of(call.RequestId, e);
        }
    }

    protected abstract IReadOnlyList<byte[]> Invoke(string operation, IReadOnlyList<byte[]> args);

    protected static NotSupportedException Unknown(string operation, string type) => new($"'{type}' has no operation '{operation}'.");

    /// <summary>The serializer of the actor system running this state (for the few operations that need values: sort, registered objects).</summary>
    protected static Akka.Serialization.Serializer Serializer =>
        (InternalCurrentActorCellKeeper.Current ?? throw new InvalidOperationException("Only an actor hosts a Manager object."))
        .System.Serialization.FindSerializerForType(typeof(object));

    protected static object? Value(byte[] bytes) => bytes.Length == 0 ? null : Serializer.FromBinary(bytes, typeof(object));

    protected static byte[] Bytes(object? value) => value is null ? [] : Serializer.ToBinary(value);
}

/// <summary>How the small arguments and results of container operations are encoded.</summary>
internal static class Codec
{
    public static byte[] Int(int value) => BitConverter.GetBytes(value);
    public static int Int(byte[] bytes) => BitConverter.ToInt32(bytes);
    public static byte[] Bool(bool value) => [value ? (byte)1 : (byte)0];
    public static bool Bool(byte[] bytes) => bytes[0] != 0;
    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);
    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

/// <summary>A serialized key, equal to another when the bytes are: equal values serialize alike.</summary>
internal readonly struct PayloadKey(byte[] bytes) : IEquatable<PayloadKey>
{
    public byte[] Bytes { get; } = bytes;

    public bool Equals(PayloadKey other) => Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is PayloadKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }
}
