using Akka.Actor;
using Multiprocessing.Messages;
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
        """ + PoolSpecs.Dispatcher;

    private PayloadSerializer Payloads => PayloadSerializer.Of(Sys);

    private byte[] Target(Func<int, int> func) => Payloads.Serialize(new MapTarget<int, int>(func), "target");

    private static int[] Results(ChunkDone done) => ChunkCodec<int>.Decode(done.Results, null!, "results");

    private byte[] Items(params int[] items) => ChunkCodec<int>.Encode(items, Payloads, "items");

    /// <summary>The next <paramref name="count"/> chunks answered, whether alone or together; <paramref name="messages"/>: in how many messages.</summary>
    private List<ChunkDone> Answers(int count, out int messages)
    {
        var answers = new List<ChunkDone>();
        messages = 0;
        while (answers.Count < count)
        {
            messages++;
            switch (ExpectMsg<IMpMessage>(m => m is ChunkDone or ChunksAnswered))
            {
                case ChunkDone done: answers.Add(done); break;
                case ChunksAnswered together: answers.AddRange(together.Answers.Cast<ChunkDone>()); break;
            }
        }
        return answers;
    }

    // Shut until the test that runs a chunk which must not finish yet opens it (tests of a class run one at a time).
    private static readonly SemaphoreSlim LongChunkGate = new(0);

    public static int WaitForGate(int x) => LongChunkGate.Wait(TimeSpan.FromSeconds(30)) ? x : -1;

    /// <summary>A worker that announced itself.</summary>
    private IActorRef ReadyWorker()
    {
        var worker = Sys.ActorOf(PoolWorkerActor.Props(TestActor, [], 0));
        Assert.Equal(worker, ExpectMsg<PoolWorkerReady>().Worker);
        return worker;
    }

    /// <summary>Chunk 0 of job 1, with its function: it runs until the test opens <see cref="LongChunkGate"/>.</summary>
    private RunChunk LongChunk() => new(1, 0, Payloads.Serialize(new MapTarget<int, int>(WaitForGate), "target"), Items(1));

    [Fact]
    public void A_worker_announces_itself_runs_chunks_in_order_and_keeps_the_target_for_later_chunks()
    {
        var worker = ReadyWorker();

        worker.Tell(new RunChunk(1, 0, Target(PoolTargets.Double), ChunkCodec<int>.Encode([1, 2, 3], Payloads, "items")));
        worker.Tell(new RunChunk(1, 1, null, ChunkCodec<int>.Encode([10], Payloads, "items")));

        var answers = Answers(2, out _);
        Assert.Equal([0, 1], answers.Select(a => a.Chunk));
        Assert.Equal([2, 4, 6], Results(answers[0]));
        Assert.Equal([20], Results(answers[1]));
    }

    [Fact]
    public void Answers_of_chunks_run_back_to_back_go_together_and_none_waits_for_a_long_chunk_behind_them()
    {
        var worker = ReadyWorker();
        var slow = Payloads.Serialize(new MapTarget<int, int>(WaitForGate), "target");
        worker.Tell(new RunChunks([
            .. Enumerable.Range(0, 20).Select(i => new RunChunk(1, i, i == 0 ? Target(PoolTargets.Double) : null, Items(i))),
            new RunChunk(2, 0, slow, Items(7))]));

        // Every fast chunk is answered while the long one behind them still runs (its gate is shut), in fewer messages than chunks.
        var answers = Answers(20, out var messages);
        Assert.Equal(Enumerable.Range(0, 20), answers.Select(a => a.Chunk));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => new[] { 2 * i }), answers.Select(Results));
        Assert.True(messages < 20, $"20 answers came in {messages} messages");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        LongChunkGate.Release();
        var last = ExpectMsg<ChunkDone>();
        Assert.Equal(2, last.JobId);
        Assert.Equal([7], Results(last));
    }

    [Fact]
    public void An_exception_answers_the_chunk_with_its_type_message_and_stack_trace_and_the_worker_goes_on()
    {
        var worker = ReadyWorker();
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
        var worker = ReadyWorker();
        worker.Tell(new RunChunk(1, 0, Target(PoolTargets.Double), ChunkCodec<int>.Encode([1], Payloads, "items")));
        ExpectMsg<ChunkDone>();
        worker.Tell(new ForgetJob(1));
        worker.Tell(new RunChunk(1, 1, null, ChunkCodec<int>.Encode([1], Payloads, "items")));
        Assert.Contains("without its function", ExpectMsg<ChunkFailed>().Message);
    }

    [Fact]
    public void A_worker_gives_back_the_chunks_it_has_not_started_but_never_the_running_one_nor_one_that_carries_a_target()
    {
        var worker = ReadyWorker();
        worker.Tell(new RunChunks([
            LongChunk(),
            .. Enumerable.Range(1, 3).Select(i => new RunChunk(1, i, null, Items(i))),
            new RunChunk(2, 0, Target(PoolTargets.Double), Items(5))]));

        worker.Tell(ReturnChunks.Instance);
        var returned = ExpectMsg<ChunksReturned>();
        Assert.Equal([new ReturnedChunk(1, 1), new ReturnedChunk(1, 2), new ReturnedChunk(1, 3)], returned.Chunks);

        LongChunkGate.Release();
        var answers = Answers(2, out _);
        Assert.Equal([(1L, 0), (2L, 0)], answers.Select(a => (a.JobId, a.Chunk)));
        Assert.Equal([10], Results(answers[1]));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // what it gave back never runs there
    }

    [Fact]
    public void The_end_of_a_job_drops_its_chunks_not_started_so_that_the_next_jobs_do_not_wait_behind_them()
    {
        var worker = ReadyWorker();
        worker.Tell(new RunChunks([
            LongChunk(),
            .. Enumerable.Range(0, 3).Select(i => new RunChunk(2, i, i == 0 ? Target(PoolTargets.Double) : null, Items(i)))]));
        worker.Tell(new ForgetJob(2)); // cancelled while its chunks wait behind job 1's
        worker.Tell(new RunChunk(3, 0, Target(PoolTargets.Double), Items(21)));

        LongChunkGate.Release();
        var answers = Answers(2, out _);
        Assert.Equal([(1L, 0), (3L, 0)], answers.Select(a => (a.JobId, a.Chunk)));
        Assert.Equal([42], Results(answers[1]));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // job 2's never ran
    }

    [Fact]
    public void A_chunk_that_carries_its_function_after_its_job_ended_does_not_run_nor_keep_the_function()
    {
        var worker = ReadyWorker();
        worker.Tell(new ForgetJob(5)); // the end overtook the chunk (it came another way)
        worker.Tell(new RunChunk(5, 0, Target(PoolTargets.Double), Items(1)));
        Assert.Contains("without its function", ExpectMsg<ChunkFailed>().Message);
        worker.Tell(new RunChunk(5, 1, null, Items(2)));
        Assert.Contains("without its function", ExpectMsg<ChunkFailed>().Message); // the function was not kept
    }
}
