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
/// <remarks>
/// The answers of the latest calls that changed the object are kept, by call id, with the state: a call sent again
/// (its answer lost with a link or a node) gets its first answer instead of running twice. A container's operations
/// are deterministic, so its copy is kept by the calls that changed it, run again on the copy when it is restored.
/// </remarks>
internal abstract class ContainerState : SharedState
{
    // The answers of the last 4096 to 8191 changing calls (a batch is one): a call is sent again within seconds of its
    // first run (resend-after, or a failover), so an object would have to take thousands of changes a second from
    // other callers meanwhile for an answer to be gone, and the call to run twice.
    private const int AnswersKept = 4096;

    private readonly Dictionary<long, ICorrelated> _answers = [];
    private readonly List<long> _answered = [];

    public sealed override void Handle(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        var reply = Run(request);
        if (Changes(request)) host.Changed(request, Replayable(request));
        host.Reply(caller, reply);
    }

    public override bool ReplaysCalls => true;

    public sealed override bool KeepsAnswers => true;

    public sealed override void Replay(ICorrelated call) => Run(call);

    public sealed override bool TryAnswerAgain(ICorrelated request, IActorRef caller, ISharedStateHost host)
    {
        if (CallIdOf(request) is not (not 0 and var id) || !_answers.TryGetValue(id, out var answer)) return false;
        host.Reply(caller, answer switch
        {
            ObjectReturn values => values with { RequestId = request.RequestId },
            ObjectFault fault => fault with { RequestId = request.RequestId },
            ObjectResults results => results with { RequestId = request.RequestId },
            _ => answer,
        });
        return true;
    }

    /// <summary>True for an operation that only reads the object: it is neither copied nor remembered.</summary>
    protected virtual bool Reads(string operation) => false;

    /// <summary>False for an operation that may not change the object the same way on another node (it compares values).</summary>
    protected virtual bool Deterministic(string operation) => true;

    private bool Replayable(ICorrelated request) => request switch
    {
        ObjectCall call => Deterministic(call.Operation),
        ObjectCalls calls => calls.Calls.All(c => Deterministic(c.Operation)),
        _ => true,
    };

    private ICorrelated Run(ICorrelated request)
    {
        var reply = request switch
        {
            ObjectCall call => Apply(call),
            ObjectCalls calls => new ObjectResults(calls.RequestId, [.. calls.Calls.Select(Apply)]),
            _ => ObjectFaults.Of(request.RequestId, new NotSupportedException($"{GetType().Name} does not handle {request.GetType().Name}.")),
        };
        if (Changes(request) && CallIdOf(request) is not 0 and var id) Remember(id, reply);
        return reply;
    }

    private bool Changes(ICorrelated request) => request switch
    {
        ObjectCall call => !Reads(call.Operation),
        ObjectCalls calls => calls.Calls.Any(c => !Reads(c.Operation)),
        _ => false,
    };

    private static long CallIdOf(ICorrelated request) => request switch
    {
        ObjectCall call => call.CallId,
        ObjectCalls calls => calls.CallId,
        _ => 0,
    };

    private void Remember(long callId, ICorrelated answer)
    {
        if (!_answers.TryAdd(callId, answer)) return;
        _answered.Add(callId);
        if (_answered.Count < 2 * AnswersKept) return;
        // The older half goes at once: a removal from the front of the list moves the whole rest.
        foreach (var old in _answered.Take(AnswersKept)) _answers.Remove(old);
        _answered.RemoveRange(0, AnswersKept);
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
