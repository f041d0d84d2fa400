using Akka.Actor;
using Akka.Configuration;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Payloads;

/// <summary>
/// Every message that carries user data comes apart into the message and its arrays, and back together, on the
/// serializer the nodes use: nested ones (a batch of calls, an envelope, a handover) give each part its own arrays.
/// </summary>
public sealed class DetachedPayloadSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(MpConfig.Load(null)))
{
    private static byte[] Bytes(params byte[] bytes) => bytes;

    public static TheoryData<string> Carriers() => [.. Samples(ActorRefs.Nobody).Keys];

    private static Dictionary<string, IPayloadCarrier> Samples(IActorRef someone) => new()
    {
        ["a pipe message"] = new PipeDeliver(4, Bytes(1, 2)),
        ["a handover of received messages"] = new PipeHandover(someone, 3, 1, [new PipeDeliver(1, Bytes(1)), new PipeDeliver(2, Bytes(2, 2))], long.MaxValue, someone),
        ["a pool chunk with its function"] = new RunChunk(1, 0, Bytes(9, 9), Bytes(3)),
        ["a pool chunk without"] = new RunChunk(1, 1, null, Bytes(3)),
        ["a placed process"] = new PlaceProcess(new RunProcess(Guid.NewGuid(), "p", Bytes(5, 5, 5), someone), true),
        ["calls in a batch"] = new ObjectCalls(7, [new ObjectCall(1, "set", [Bytes(1), Bytes(2)]), new ObjectCall(2, "get", []), new ObjectCall(3, "set", [Bytes(3), []])]),
        ["results in a batch"] = new ObjectResults(7, [new ObjectReturn(1, [Bytes(4)]), new ObjectFault(2, "E", "m", null), new ObjectReturn(3, [Bytes(5), Bytes(6)])]),
        ["a call in an envelope"] = new EntityEnvelope("e", new ObjectCall(1, "set", [Bytes(1), Bytes(2, 3)])),
    };

    [Theory]
    [MemberData(nameof(Carriers))]
    public void A_carrier_comes_apart_and_back_together_with_each_array_in_its_place(string carrier)
    {
        var message = Samples(TestActor)[carrier];
        var payloads = PayloadSerializer.Of(Sys);

        var (skeleton, detached) = PayloadSerializer.Detach(message);
        var body = payloads.Serialize(skeleton, carrier);
        Assert.Equal(message.Payload, detached);
        var rebuilt = (IPayloadCarrier)payloads.DeserializeAttaching(body, [.. detached.Select(a => a.ToArray())], carrier);

        Assert.Equal(message.GetType(), rebuilt.GetType());
        Assert.Equal(message.Payload, rebuilt.Payload);
        // The rest of it is intact too: with its arrays taken out again, both serialize the same.
        Assert.Equal(body, payloads.Serialize(PayloadSerializer.Detach(rebuilt).Skeleton, carrier));
    }

    [Theory]
    [MemberData(nameof(Carriers))]
    public void A_small_payload_travels_inside_its_message_and_a_large_one_beside_it(string carrier)
    {
        var payloads = PayloadSerializer.Of(Sys);
        var small = Samples(TestActor)[carrier];
        var (smallBody, none) = payloads.SerializeDetaching(small, carrier);
        Assert.Empty(none);
        Assert.Equal(small.Payload, ((IPayloadCarrier)payloads.DeserializeAttaching(smallBody, [], carrier)).Payload);

        var large = small.WithPayload([.. small.Payload.Select((_, i) => Enumerable.Repeat((byte)i, 40_000).ToArray())]);
        var (largeBody, detached) = payloads.SerializeDetaching(large, carrier);
        Assert.Equal(large.Payload, detached);
        Assert.True(largeBody.Length < 40_000, $"the body holds {largeBody.Length} bytes: the arrays went inside it");
        Assert.Equal(large.Payload, ((IPayloadCarrier)payloads.DeserializeAttaching(largeBody, [.. detached], carrier)).Payload);
    }
}
