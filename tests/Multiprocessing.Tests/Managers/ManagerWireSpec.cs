using System.Collections;
using System.Text;
using Akka.Configuration;
using Multiprocessing.Managers.Wire;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Managers;

/// <summary>
/// A Manager's call messages take their compact form, on direct links and over Akka.Remote alike, and come back whole;
/// bytes that are not such a message fail as a serialization error, allocating nothing for what they claim.
/// </summary>
public sealed class ManagerWireSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(MpConfig.Load(null)))
{
    private static readonly byte[] One = [8, 1, 0, 0, 0], Two = [8, 2, 0, 0, 0];

    public static TheoryData<string> Kinds() => [.. Samples().Keys];

    private static Dictionary<string, object> Samples() => new()
    {
        ["a call"] = new ObjectCall(3, "__setitem__", [One, Two], 77),
        ["a return"] = new ObjectReturn(3, [Two, []]),
        ["calls in a batch"] = new ObjectCalls(9, [new ObjectCall(0, "__setitem__", [One, Two]), new ObjectCall(1, "keys", [])], 5),
        ["results in a batch"] = new ObjectResults(9, [new ObjectReturn(0, [One]), new ObjectFault(1, "System.KeyNotFoundException", "missing", "  at here")]),
        ["a call in an envelope"] = new EntityEnvelope("m1/3", new ObjectCall(0, "__getitem__", [One], 12)),
        ["a batch in an envelope"] = new EntityEnvelope("m1/3", new ObjectCalls(4, [new ObjectCall(0, "append", [One])], 6)),
        ["a queue's request in an envelope"] = new EntityEnvelope("m1/4", new QueuePut(2, [One, Two], WaitForRoom: true)),
        ["an update of a copy"] = new ReplicateObject("m1/3", 2, 41, [], [new ObjectCall(0, "__setitem__", [One, Two], 8)]),
        ["an update of a copy with a batch"] = new ReplicateObject("m1/3", 2, 43, [], [new ObjectCalls(0, [new ObjectCall(0, "append", [One]), new ObjectCall(1, "append", [Two])], 3), new ObjectCall(0, "clear", [], 4)]),
        ["a whole copy"] = new ReplicateObject("m1/3", 2, 42, [1, 2, 3], []),
        ["an acknowledged copy"] = new ObjectReplicated("m1/3", 2, 42),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Akka_serializes_the_message_in_its_compact_form_and_reads_it_back_whole(string kind)
    {
        var message = Samples()[kind];
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ManagerWireSerializer>(serializer);

        var bytes = serializer.ToBinary(message);

        Assert.Equal(ManagerWire.Tag, bytes[0]);
        Assert.Equal(Dump(message), Dump(Sys.Serialization.Deserialize(bytes, serializer.Identifier, (string?)null)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Direct_links_carry_the_same_form(string kind)
    {
        var message = Samples()[kind];
        var payloads = PayloadSerializer.Of(Sys);

        var (body, detached) = payloads.SerializeDetaching(message, kind);

        Assert.Equal(Dump(message), Dump(payloads.DeserializeAttaching(body, [.. detached], kind)));
    }

    [Fact]
    public void A_call_of_two_small_values_takes_tens_of_bytes_not_hundreds()
    {
        // Hyperion wrote this envelope in 537 bytes: its type names.
        var bytes = PayloadSerializer.Of(Sys).Serialize(new EntityEnvelope("0123456789abcdef/17", new ObjectCall(0, "__setitem__", [One, Two], long.MaxValue)), "a call");

        Assert.InRange(bytes.Length, 1, 80);
    }

    [Fact]
    public void Every_truncation_of_a_message_fails_as_a_serialization_error()
    {
        var payloads = PayloadSerializer.Of(Sys);
        var checkedKinds = 0;
        foreach (var (kind, message) in Samples())
        {
            var bytes = payloads.Serialize(message, kind);
            if (!ManagerWire.IsWire(bytes)) continue; // a queue's message on a direct link: Hyperion's, as before
            checkedKinds++;
            for (var length = 2; length < bytes.Length; length++)
                Assert.Throws<MpSerializationException>(() => payloads.Deserialize(bytes[..length], kind));
        }
        Assert.Equal(Samples().Count - 1, checkedKinds);
    }

    [Fact]
    public void Results_nested_in_results_are_refused_at_the_second_level_not_read_down_to_the_bottom()
    {
        // [tag] then "results, id 1, one result" 100,000 times: a reader that recursed would overflow its stack.
        var level = new byte[] { 5, 1, 0, 0, 0, 0, 0, 0, 0, 1 };
        byte[] hostile = [ManagerWire.Tag, .. Enumerable.Repeat(level, 100_000).SelectMany(l => l), 2, 1, 0, 0, 0, 0, 0, 0, 0, 0];

        var error = Assert.Throws<MpSerializationException>(() => PayloadSerializer.Of(Sys).Deserialize(hostile, "nested results"));

        Assert.Contains("among a batch's results", error.Message);
    }

    [Fact]
    public void A_count_larger_than_the_bytes_that_follow_fails_before_anything_is_allocated()
    {
        // A return claiming 2^31-1 values in a few bytes: refused for what is there, not after an allocation of 16 GiB.
        byte[] hostile = [ManagerWire.Tag, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1];

        var error = Assert.Throws<MpSerializationException>(() => PayloadSerializer.Of(Sys).Deserialize(hostile, "hostile bytes"));

        Assert.Contains("count of 2147483647", error.Message);
    }

    [Fact]
    public void An_envelope_inside_an_envelope_is_refused()
    {
        var inner = PayloadSerializer.Of(Sys).Serialize(new EntityEnvelope("b", new ObjectCall(0, "x", [])), "inner");
        // [tag][envelope]["a"][the inner envelope, without its tag]
        byte[] nested = [ManagerWire.Tag, 6, 1, (byte)'a', .. inner[1..]];

        var error = Assert.Throws<MpSerializationException>(() => PayloadSerializer.Of(Sys).Deserialize(nested, "nested envelopes"));

        Assert.Contains("inside another message", error.Message);
    }

    // Every public property, arrays and lists item by item: what a record's Equals does not compare.
    private static string Dump(object? value)
    {
        var text = new StringBuilder();
        Write(value);
        return text.ToString();

        void Write(object? v)
        {
            switch (v)
            {
                case null: text.Append("null"); break;
                case byte[] bytes: text.Append('[').Append(Convert.ToHexString(bytes)).Append(']'); break;
                case string or long or int or bool: text.Append(v); break;
                case Akka.Actor.IActorRef actor: text.Append(actor.Path); break;
                case IEnumerable items:
                    text.Append('(');
                    foreach (var item in items) { Write(item); text.Append(','); }
                    text.Append(')');
                    break;
                default:
                    text.Append(v.GetType().Name).Append('{');
                    foreach (var property in v.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
                    {
                        text.Append(property.Name).Append('=');
                        Write(property.GetValue(v));
                        text.Append(';');
                    }
                    text.Append('}');
                    break;
            }
        }
    }
}
