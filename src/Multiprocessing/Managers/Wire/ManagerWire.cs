using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Shared;

namespace Multiprocessing.Managers.Wire;

/// <summary>
/// A compact binary form for the messages of a Manager object's every call: a call, its return, a batch of calls and
/// their results, the entity's envelope, an update of the object's copy and its acknowledgement. Hyperion writes each of
/// them with its type names (an envelope holding one call is ~540 bytes, ~13 us to write and read); here it is its
/// fields (~40 bytes, well under a microsecond), which a one-at-a-time operation pays four to eight times.
/// <list type="bullet">
/// <item>The first byte, <see cref="Tag"/>, is none Hyperion starts with (its manifests are 0-20 and 251-255), so a
/// reader tells the two apart (<see cref="IsWire"/>).</item>
/// <item>An envelope's message of another kind (a queue's, a lock's), a fault, and a batch holding something else go
/// as Hyperion's bytes inside, read back with the same settings (disallow-unsafe-type).</item>
/// <item>Nothing read is trusted: every count and length is checked against the bytes left (<see cref="WireReader"/>).</item>
/// </list>
/// Used on direct links (<see cref="Runtime.PayloadSerializer"/>) and by Akka.Remote (<see cref="ManagerWireSerializer"/>).
/// </summary>
internal sealed class ManagerWire(Akka.Serialization.Serializer fallback)
{
    public const byte Tag = 200;

    private enum Kind : byte
    {
        /// <summary>Hyperion's bytes of any other message, as they are.</summary>
        Other = 0,
        Call = 1,
        Return = 2,
        Fault = 3,
        Calls = 4,
        Results = 5,
        Envelope = 6,
        Replicate = 7,
        Replicated = 8,
    }

    /// <summary>Whether <see cref="Write"/> has a compact form for the message's type (else Hyperion's is as good).</summary>
    public static bool Handles(object message) =>
        message is ObjectCall or ObjectReturn or ObjectCalls or ObjectResults or ReplicateObject or ObjectReplicated
            or EntityEnvelope { Message: ObjectCall or ObjectCalls };

    public static bool IsWire(byte[] bytes) => bytes.Length > 1 && bytes[0] == Tag;

    /// <summary>The message in this form (a message without one of its own goes as Hyperion's bytes, tagged).</summary>
    public byte[] Write(object message)
    {
        var writer = new WireWriter(64 + (int)Math.Min(message is IPayloadCarrier carrier ? carrier.PayloadBytes : 0, 1 << 20));
        writer.Byte(Tag);
        WriteMessage(writer, message);
        return writer.ToArray();
    }

    /// <summary>What <see cref="Write"/> made; <see cref="InvalidDataException"/> when the bytes are not that.</summary>
    public object Read(byte[] bytes)
    {
        if (!IsWire(bytes)) throw WireReader.Malformed("no tag");
        var reader = new WireReader(bytes.AsSpan(1));
        var message = ReadMessage(ref reader, nested: false);
        if (!reader.AtEnd) throw WireReader.Malformed("bytes after the message");
        return message;
    }

    private void WriteMessage(WireWriter writer, object message)
    {
        switch (message)
        {
            case ObjectCall call:
                writer.Byte((byte)Kind.Call);
                WriteCall(writer, call);
                break;
            case ObjectReturn values:
                writer.Byte((byte)Kind.Return);
                writer.Long(values.RequestId);
                writer.Arrays(values.Values);
                break;
            case ObjectFault fault:
                writer.Byte((byte)Kind.Fault);
                writer.Long(fault.RequestId);
                writer.String(fault.ExceptionType);
                writer.String(fault.Message);
                writer.Byte(fault.RemoteStackTrace is null ? (byte)0 : (byte)1);
                if (fault.RemoteStackTrace is { } trace) writer.String(trace);
                break;
            case ObjectCalls calls:
                writer.Byte((byte)Kind.Calls);
                WriteCalls(writer, calls);
                break;
            case ObjectResults results when results.Results.All(r => r is ObjectReturn or ObjectFault):
                writer.Byte((byte)Kind.Results);
                writer.Long(results.RequestId);
                writer.Count(results.Results.Count);
                foreach (var result in results.Results) WriteMessage(writer, result);
                break;
            case EntityEnvelope envelope:
                writer.Byte((byte)Kind.Envelope);
                writer.String(envelope.EntityId);
                if (envelope.Message is EntityEnvelope nested) WriteOther(writer, nested); // an envelope holds no envelope of this form
                else WriteMessage(writer, envelope.Message);
                break;
            case ReplicateObject update when update.Calls.All(c => c is ObjectCall or ObjectCalls):
                writer.Byte((byte)Kind.Replicate);
                writer.String(update.EntityId);
                writer.Long(update.Incarnation);
                writer.Long(update.Seq);
                writer.Bytes(update.State);
                writer.Count(update.Calls.Count);
                foreach (var call in update.Calls) WriteMessage(writer, call); // a call or a batch: kind and body
                break;
            case ObjectReplicated replicated:
                writer.Byte((byte)Kind.Replicated);
                writer.String(replicated.EntityId);
                writer.Long(replicated.Incarnation);
                writer.Long(replicated.Seq);
                break;
            default:
                WriteOther(writer, message);
                break;
        }
    }

    private void WriteOther(WireWriter writer, object message)
    {
        writer.Byte((byte)Kind.Other);
        writer.Bytes(fallback.ToBinary(message));
    }

    private static void WriteCalls(WireWriter writer, ObjectCalls calls)
    {
        writer.Long(calls.RequestId);
        writer.Long(calls.CallId);
        writer.Count(calls.Calls.Count);
        foreach (var call in calls.Calls) WriteCall(writer, call);
    }

    private static void WriteCall(WireWriter writer, ObjectCall call)
    {
        writer.Long(call.RequestId);
        writer.Long(call.CallId);
        writer.String(call.Operation);
        writer.Arrays(call.Args);
    }

    // Nesting is bounded whatever the bytes say: an envelope holds no envelope, a batch's results are returns or faults,
    // a copy's calls are calls or batches of calls. Nothing read recurses deeper than that.
    private object ReadMessage(ref WireReader reader, bool nested)
    {
        var kind = (Kind)reader.Byte();
        switch (kind)
        {
            case Kind.Call: return ReadCall(ref reader);
            case Kind.Return or Kind.Fault: return ReadResult(ref reader, kind);
            case Kind.Calls: return ReadCalls(ref reader);
            case Kind.Results:
            {
                var requestId = reader.Long();
                var results = new ICorrelated[reader.Count(ResultBytes)];
                for (var i = 0; i < results.Length; i++) results[i] = ReadResult(ref reader, (Kind)reader.Byte());
                return new ObjectResults(requestId, results);
            }
            case Kind.Envelope when !nested:
                return new EntityEnvelope(reader.String(), ReadMessage(ref reader, nested: true));
            case Kind.Replicate:
            {
                var (entityId, incarnation, seq, state) = (reader.String(), reader.Long(), reader.Long(), reader.Bytes());
                var calls = new ICorrelated[reader.Count(KindAndCallBytes)];
                for (var i = 0; i < calls.Length; i++)
                    calls[i] = (Kind)reader.Byte() switch
                    {
                        Kind.Call => ReadCall(ref reader),
                        Kind.Calls => ReadCalls(ref reader),
                        var other => throw WireReader.Malformed($"kind {(byte)other} among a copy's calls"),
                    };
                return new ReplicateObject(entityId, incarnation, seq, state, calls);
            }
            case Kind.Replicated: return new ObjectReplicated(reader.String(), reader.Long(), reader.Long());
            case Kind.Other: return fallback.FromBinary(reader.Bytes(), typeof(object));
            default: throw WireReader.Malformed($"kind {(byte)kind}{(nested ? " inside another message" : "")}");
        }
    }

    private static ICorrelated ReadResult(ref WireReader reader, Kind kind) => kind switch
    {
        Kind.Return => new ObjectReturn(reader.Long(), reader.Arrays()),
        Kind.Fault => new ObjectFault(reader.Long(), reader.String(), reader.String(), reader.Byte() == 0 ? null : reader.String()),
        _ => throw WireReader.Malformed($"kind {(byte)kind} among a batch's results"),
    };

    private static ObjectCalls ReadCalls(ref WireReader reader)
    {
        var (requestId, callId) = (reader.Long(), reader.Long());
        var calls = new ObjectCall[reader.Count(CallBytes)];
        for (var i = 0; i < calls.Length; i++) calls[i] = ReadCall(ref reader);
        return new ObjectCalls(requestId, calls, callId);
    }

    // The least bytes a call and a result take: a count of them can be checked before anything is allocated.
    private const int CallBytes = 8 + 8 + 1 + 1;
    private const int KindAndCallBytes = 1 + CallBytes; // a copy's calls (or batches) each with its kind
    private const int ResultBytes = 1 + 8 + 1;

    private static ObjectCall ReadCall(ref WireReader reader) => new(reader.Long(), CallId: reader.Long(), Operation: reader.String(), Args: reader.Arrays());
}
