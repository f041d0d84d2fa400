using Akka.Actor;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Pools;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Pools;

/// <summary>A pool worker, run in the test's actor system, answering a probe that stands in for the dispatcher.</summary>
public sealed class PoolWorkerActorSpec() : Akka.TestKit.Xunit2.TestKit(Hyperion)
{
    // The cluster's serializer for every object, as on a real node.
    private const string Hyperion = """
        akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
        akka.actor.serialization-bindings { "System.Object" = hyperion }
        akka.actor.serialization-settings.hyperion.disallow-unsafe-type = true
        """;

    private PayloadSerializer Payloads => PayloadSerializer.Of(Sys);

    private byte[] Target(Func<int, int> func) => Payloads.Serialize(new MapTarget<int, int>(func), "target");

    private static int[] Results(ChunkDone done) => ChunkCodec<int>.Decode(done.Results, null!, "results");

    [Fact]
    public void A_worker_announces_itself_runs_chunks_in_order_and_keeps_the_target_for_later_chunks()
    {
        var worker = Sys.ActorOf(PoolWorkerActor.Props(TestActor, [], 0));
        Assert.Equal(worker, ExpectMsg<PoolWorkerReady>().Worker);

        worker.Tell(new RunChunk(1, 0, Target(PoolTargets.Double), ChunkCodec<int>.Encode([1, 2, 3], Payloads, "items")));
        worker.Tell(new RunChunk(1, 1, null, ChunkCodec<int>.Encode([10], Payloads, "items")));

        Assert.Equal([2, 4, 6], Results(ExpectMsg<ChunkDone>(d => d.Chunk == 0)));
        Assert.Equal([20], Results(ExpectMsg<ChunkDone>(d => d.Chunk == 1)));
    }

    [Fact]
    public void An_exception_answers_the_chunk_with_its_type_message_and_stack_trace_and_the_worker_goes_on()
    {
        var worker = Sys.ActorOf(PoolWorkerActor.Props(TestActor, [], 0));
        ExpectMsg<PoolWorkerReady>();
        worker.Tell(new RunChunk(1, 0, Target(PoolTargets.ThrowAtFive), ChunkCodec<int>.Encode([4, 5], Payloads, "items")));
        var failed = ExpectMsg<ChunkFailed>();
        Assert.StartsWith(typeof(InvalidOperationException).FullName!, failed.ExceptionType);
        Assert.Contains(nameof(PoolTargets.ThrowAtFive), failed.StackTrace);
        Assert.IsType<InvalidOperationException>(RemoteErrors.Rebuild(failed));

        worker.Tell(new RunChunk(1, 1, null, ChunkCodec<int>.Encode([6], Payloads, "items")));
        Assert.Equal([6], Results(ExpectMsg<ChunkDone>()));
    }

    [Fact]
    public void A_chunk_of_a_job_whose_target_was_forgotten_fails_clearly()
    {
        var worker = Sys.ActorOf(PoolWorkerActor.Props(TestActor, [], 0));
        ExpectMsg<PoolWorkerReady>();
        worker.Tell(new RunChunk(1, 0, Target(PoolTargets.Double), ChunkCodec<int>.Encode([1], Payloads, "items")));
        ExpectMsg<ChunkDone>();
        worker.Tell(new ForgetJob(1));
        worker.Tell(new RunChunk(1, 1, null, ChunkCodec<int>.Encode([1], Payloads, "items")));
        Assert.Contains("without its function", ExpectMsg<ChunkFailed>().Message);
    }
}
