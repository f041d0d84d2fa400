using Akka.Actor;
using Akka.TestKit;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Pools;

namespace Multiprocessing.Tests.Pools;

/// <summary>The pool's dispatcher, with probes standing in for the pool workers on the worker nodes.</summary>
public sealed class PoolDispatcherActorSpec() : Akka.TestKit.Xunit2.TestKit(PoolSpecs.Dispatcher)
{
    private static readonly PoolSettings Settings = new(RouteesPerNode: 1, ChunksInFlightPerWorker: 2, WorkAheadPerWorker: TimeSpan.Zero, LazyChunksAhead: 4,
        MaxChunkAttempts: 2, NoWorkerTimeout: TimeSpan.FromSeconds(1), WorkerRole: "worker");

    private static readonly byte[] Target = [42];

    private sealed class Sink : IPoolJobSink
    {
        public List<int> Done { get; } = [];
        public List<ChunkFailed> TaskFailures { get; } = [];
        public TaskCompletionSource<Exception?> Outcome { get; } = new();
        public void ChunkDone(int chunk, byte[] results) { lock (Done) Done.Add(chunk); }
        public void ChunkFailed(ChunkFailed failure) { lock (TaskFailures) TaskFailures.Add(failure); }
        public void Failed(Exception error) => Outcome.TrySetResult(error);
        public void Completed() => Outcome.TrySetResult(null);
    }

    /// <summary>A job of <paramref name="chunks"/> one-byte chunks, its whole input with it (as a Map's).</summary>
    private static PoolDispatcherActor.Submit Job(long id, int chunks, Sink sink) =>
        new(new PoolJob(id, Target, sink), [.. Enumerable.Range(0, chunks).Select(i => (i, new[] { (byte)i }))], chunks);

    /// <summary>How the job ended: null when completed, else its failure; throws if it did not end in time.</summary>
    private static Exception? Settled(Sink sink) => sink.Outcome.Task.WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

    private TestProbe Worker(IActorRef dispatcher)
    {
        var worker = CreateTestProbe();
        dispatcher.Tell(new PoolWorkerReady(worker.Ref), worker.Ref);
        return worker;
    }

    // The chunks each probe was given and the test has not taken yet: several given at once come in one RunChunks.
    private readonly Dictionary<IActorRef, Queue<RunChunk>> _given = [];

    /// <summary>The next chunk <paramref name="worker"/> was given, alone or with others.</summary>
    private RunChunk Run(TestProbe worker)
    {
        var given = _given.TryGetValue(worker.Ref, out var queue) ? queue : _given[worker.Ref] = new();
        if (given.Count == 0)
            switch (worker.ExpectMsg<IMpMessage>(m => m is RunChunk or RunChunks))
            {
                case RunChunk run: given.Enqueue(run); break;
                case RunChunks runs: foreach (var run in runs.Chunks) given.Enqueue(run); break;
            }
        return given.Dequeue();
    }

    /// <summary><paramref name="worker"/> was given nothing more.</summary>
    private void NoRun(TestProbe worker, int milliseconds)
    {
        Assert.Empty(_given.GetValueOrDefault(worker.Ref) ?? new());
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(milliseconds));
    }

    /// <summary>A dispatcher whose workers hold 5 ms of fast chunks (the others here keep the configured credit).</summary>
    private IActorRef WorkingAhead() => Sys.ActorOf(PoolDispatcherActor.Props(Settings with { WorkAheadPerWorker = TimeSpan.FromMilliseconds(5) }));

    /// <summary>
    /// Two workers with a 5 ms work ahead on a job of 6 chunks: the silent one holds two and answers nothing, the idle one
    /// has run all the others. Nothing is left to give.
    /// </summary>
    private (IActorRef Dispatcher, TestProbe Silent, TestProbe Idle, Sink Sink, RunChunk[] Held) OneWorkerSilent()
    {
        var dispatcher = WorkingAhead();
        var silent = Worker(dispatcher);
        var idle = Worker(dispatcher);
        var sink = new Sink();
        dispatcher.Tell(Job(1, 6, sink));
        var held = new[] { Run(silent), Run(silent) };
        for (var answered = 0; answered < 4; answered++) Answer(idle, dispatcher, Run(idle));
        return (dispatcher, silent, idle, sink, held);
    }

    private static void Answer(TestProbe worker, IActorRef dispatcher, RunChunk run) =>
        worker.Send(dispatcher, new ChunkDone(run.JobId, run.Chunk, run.Items, RunMicroseconds: 0));

    [Fact]
    public void Chunks_go_round_robin_within_each_workers_credit_and_the_target_travels_once_per_worker()
    {
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var first = Worker(dispatcher);
        var second = Worker(dispatcher);
        var sink = new Sink();
        dispatcher.Tell(Job(1, 6, sink));

        var a1 = Run(first);
        var a2 = Run(first);
        var b1 = Run(second);
        var b2 = Run(second);
        Assert.Equal([0, 1, 2, 3], new[] { a1.Chunk, a2.Chunk, b1.Chunk, b2.Chunk }.Order());
        Assert.Equal(1, Math.Abs(a1.Chunk - b1.Chunk)); // one each per pass
        Assert.Equal(Target, a1.Target);
        Assert.Null(a2.Target);
        Assert.Equal(Target, b1.Target);
        NoRun(first, 100); // no credit left

        // Two chunks left for two workers: a busy worker is not topped up any more, an idle one is.
        Answer(first, dispatcher, a1);
        NoRun(first, 100);
        Answer(first, dispatcher, a2);
        var a3 = Run(first);
        Assert.Equal(4, a3.Chunk);
        Assert.Null(a3.Target);
        Answer(second, dispatcher, b1);
        Answer(second, dispatcher, b2);
        var b3 = Run(second);
        Assert.Equal(5, b3.Chunk);
        Answer(first, dispatcher, a3);
        Answer(second, dispatcher, b3);

        Assert.Null(Settled(sink));
        Assert.Equal(6, sink.Done.Count);
        first.FishForMessage(m => m is ForgetJob { JobId: 1 });
        second.FishForMessage(m => m is ForgetJob { JobId: 1 });
    }

    [Fact]
    public void The_chunks_of_a_worker_that_dies_run_again_alone_on_another_worker()
    {
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var doomed = Worker(dispatcher);
        var sink = new Sink();
        dispatcher.Tell(Job(1, 3, sink));
        Assert.Equal(0, Run(doomed).Chunk);
        Assert.Equal(1, Run(doomed).Chunk);

        var survivor = Worker(dispatcher);
        var fresh = Run(survivor);
        Assert.Equal(2, fresh.Chunk);
        Assert.Equal(Target, fresh.Target); // a new worker gets the target with its first chunk
        Sys.Stop(doomed.Ref);
        NoRun(survivor, 200); // a retry waits for an idle worker

        Answer(survivor, dispatcher, fresh);
        var retry = Run(survivor);
        Assert.Equal(0, retry.Chunk);
        NoRun(survivor, 200); // alone: nothing else while it runs
        Answer(survivor, dispatcher, retry);
        var next = Run(survivor);
        Assert.Equal(1, next.Chunk);
        Answer(survivor, dispatcher, next);

        Assert.Null(Settled(sink));
        Assert.Equal([0, 1, 2], sink.Done.Order());
    }

    [Fact]
    public void The_chunks_of_a_worker_on_an_unreachable_node_run_elsewhere_as_fresh_work_and_it_gets_none_until_reachable_again()
    {
        using var elsewhere = ActorSystem.Create("elsewhere"); // a worker on another node, as far as addresses go
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var stalled = new TestProbe(elsewhere, new Akka.TestKit.Xunit2.XunitAssertions());
        dispatcher.Tell(new PoolWorkerReady(stalled.Ref), stalled.Ref);
        var sink = new Sink();
        dispatcher.Tell(Job(1, 4, sink));
        var stalledRuns = new[] { Run(stalled), Run(stalled) };
        var other = Worker(dispatcher);
        var first = Run(other);

        dispatcher.Tell(new PoolDispatcherActor.NodeUnreachable(stalled.Ref.Path.Address));
        var ranByOther = new List<int>();
        for (var run = first; ; run = Run(other))
        {
            ranByOther.Add(run.Chunk);
            Answer(other, dispatcher, run);
            if (ranByOther.Count == 4) break;
        }
        Assert.Null(Settled(sink));
        Assert.Equal([0, 1, 2, 3], ranByOther.Order()); // the stalled worker's chunks too
        other.FishForMessage(m => m is ForgetJob);
        foreach (var run in stalledRuns) dispatcher.Tell(new ChunkDone(run.JobId, run.Chunk, run.Items, RunMicroseconds: 0), stalled.Ref); // late: dropped
        Assert.Equal([0, 1, 2, 3], sink.Done.Order());

        var next = new Sink();
        dispatcher.Tell(Job(2, 2, next));
        Answer(other, dispatcher, Run(other));
        Answer(other, dispatcher, Run(other));
        Assert.Null(Settled(next));
        stalled.FishForMessage(m => m is ForgetJob); // job 1's end; nothing of job 2
        NoRun(stalled, 200);

        dispatcher.Tell(new PoolDispatcherActor.NodeReachable(stalled.Ref.Path.Address));
        dispatcher.Tell(Job(3, 4, new Sink()));
        Assert.Equal(3, Run(stalled).JobId);
    }

    [Fact]
    public void A_chunk_is_not_spread_to_more_workers_than_max_chunk_attempts_allows_to_die_of_it()
    {
        using var first = ActorSystem.Create("first");
        using var second = ActorSystem.Create("second");
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings)); // max-chunk-attempts = 2
        var sink = new Sink();
        var a = new TestProbe(first, new Akka.TestKit.Xunit2.XunitAssertions());
        dispatcher.Tell(new PoolWorkerReady(a.Ref), a.Ref);
        dispatcher.Tell(Job(1, 1, sink));
        Run(a);
        var b = new TestProbe(second, new Akka.TestKit.Xunit2.XunitAssertions());
        dispatcher.Tell(new PoolWorkerReady(b.Ref), b.Ref);

        dispatcher.Tell(new PoolDispatcherActor.NodeUnreachable(a.Ref.Path.Address));
        Run(b); // one unreachable holder: it may be alive, the chunk goes on
        var c = Worker(dispatcher);
        dispatcher.Tell(new PoolDispatcherActor.NodeUnreachable(b.Ref.Path.Address));
        NoRun(c, 200); // two: as many as may die of it, it waits for the verdict

        first.Stop(a.Ref);
        second.Stop(b.Ref);
        Assert.Contains("lost its worker 2 times", Assert.IsType<MpPoolException>(Settled(sink)).Message);
    }

    [Fact]
    public void An_answer_that_arrives_after_its_workers_death_counts_once_and_is_not_run_again()
    {
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var doomed = Worker(dispatcher);
        var sink = new Sink();
        dispatcher.Tell(Job(1, 2, sink));
        var run = Run(doomed);
        Sys.Stop(doomed.Ref);
        Watch(doomed.Ref);
        ExpectTerminated(doomed.Ref);

        dispatcher.Tell(new ChunkDone(run.JobId, run.Chunk, run.Items, RunMicroseconds: 0), doomed.Ref); // the late answer
        var survivor = Worker(dispatcher);
        var next = Run(survivor);
        Assert.NotEqual(run.Chunk, next.Chunk);
        Answer(survivor, dispatcher, next);
        Assert.Null(Settled(sink));
        survivor.FishForMessage(m => m is ForgetJob);
        Assert.Equal([0, 1], sink.Done.Order());
    }

    [Fact]
    public void A_chunk_that_kills_its_workers_fails_the_job_after_max_chunk_attempts()
    {
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var sink = new Sink();
        var first = Worker(dispatcher);
        dispatcher.Tell(Job(1, 1, sink));
        Run(first);
        var second = Worker(dispatcher);
        Sys.Stop(first.Ref);
        Run(second);
        Sys.Stop(second.Ref);

        var error = Assert.IsType<MpPoolException>(Settled(sink));
        Assert.Contains("lost its worker 2 times", error.Message);
    }

    [Fact]
    public void Work_fails_when_no_worker_shows_up_in_time_and_a_cancelled_job_sends_nothing_more()
    {
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var lonely = new Sink();
        dispatcher.Tell(Job(1, 3, lonely));
        Assert.Contains("no-worker-timeout", Settled(lonely)!.Message);

        var sink = new Sink();
        dispatcher.Tell(Job(2, 10, sink));
        dispatcher.Tell(new PoolDispatcherActor.Cancel(2));
        var worker = Worker(dispatcher);
        NoRun(worker, 200);
    }

    [Fact]
    public void Terminate_fails_pending_work_and_refuses_new_work()
    {
        var dispatcher = Sys.ActorOf(PoolDispatcherActor.Props(Settings));
        var pending = new Sink();
        dispatcher.Tell(Job(1, 3, pending));
        dispatcher.Tell(new PoolDispatcherActor.Terminate("terminated by the test"));
        ExpectMsg<Akka.Done>();
        Assert.Equal("terminated by the test", Settled(pending)!.Message);

        var late = new Sink();
        dispatcher.Tell(Job(2, 1, late));
        Assert.IsType<MpPoolException>(Settled(late));
    }

    [Fact]
    public void Once_a_jobs_chunks_prove_fast_a_worker_holds_what_runs_in_the_work_ahead_given_in_one_message()
    {
        var dispatcher = WorkingAhead();
        var worker = Worker(dispatcher);
        var sink = new Sink();
        dispatcher.Tell(Job(1, 200, sink));
        var first = Run(worker);
        var second = Run(worker);
        NoRun(worker, 100); // nothing known of its chunks yet: the configured credit

        // 100 us a chunk: 50 fit in 5 ms; the worker holds one, so 49 more come, together.
        worker.Send(dispatcher, new ChunkDone(first.JobId, first.Chunk, first.Items, RunMicroseconds: 100));
        var more = worker.ExpectMsg<RunChunks>();
        Assert.Equal(49, more.Chunks.Count);
        Assert.Equal(Enumerable.Range(2, 49), more.Chunks.Select(c => c.Chunk));

        // Their answers together: the dispatcher takes each, and tops the worker up again.
        worker.Send(dispatcher, new ChunksAnswered([.. more.Chunks.Select(c => (IChunkAnswer)new ChunkDone(c.JobId, c.Chunk, c.Items, 100))]));
        Assert.Equal(49, worker.ExpectMsg<RunChunks>().Chunks.Count);
        Assert.Equal(50, sink.Done.Count);

        // A job of slow chunks (5 ms each) after it: its own measure counts, so the configured credit again.
        var slow = new Sink();
        dispatcher.Tell(new PoolDispatcherActor.Cancel(1)); // what the worker held of job 1 is forgotten
        dispatcher.Tell(Job(2, 10, slow));
        worker.FishForMessage(m => m is ForgetJob);
        var slowRuns = new[] { Run(worker), Run(worker) };
        Assert.Equal([0, 1], slowRuns.Select(r => r.Chunk));
        worker.Send(dispatcher, new ChunkDone(slowRuns[0].JobId, slowRuns[0].Chunk, slowRuns[0].Items, RunMicroseconds: 5_000));
        Assert.Equal(2, Run(worker).Chunk);
        NoRun(worker, 100); // two held: each fills the work ahead alone
    }

    [Fact]
    public void A_worker_holds_no_more_than_the_configured_credit_once_it_holds_a_mebibyte_however_fast_its_chunks()
    {
        var dispatcher = WorkingAhead();
        var worker = Worker(dispatcher);
        var sink = new Sink();
        var large = new byte[400 * 1024];
        dispatcher.Tell(new PoolDispatcherActor.Submit(new PoolJob(1, Target, sink), [.. Enumerable.Range(0, 20).Select(i => (i, large))], 20));
        var first = Run(worker);
        Run(worker);
        worker.Send(dispatcher, new ChunkDone(first.JobId, first.Chunk, [], RunMicroseconds: 1));
        // It holds 400 KiB: two more (1.2 MiB), then no more, however fast its chunks.
        Run(worker);
        Run(worker);
        NoRun(worker, 100);
    }

    [Fact]
    public void A_worker_that_answers_nothing_while_another_idles_gives_back_what_it_has_not_started_and_the_idle_one_runs_it()
    {
        var (dispatcher, stuck, idle, sink, stuckRuns) = OneWorkerSilent();

        // Nothing left to give, one worker idle: the other, silent past the work ahead, is asked for what it has not started.
        stuck.ExpectMsg<ReturnChunks>(TimeSpan.FromSeconds(3));
        stuck.Reply(new ChunksReturned([new ReturnedChunk(1, stuckRuns[1].Chunk)]));
        var moved = Run(idle);
        Assert.Equal(stuckRuns[1].Chunk, moved.Chunk);
        Answer(idle, dispatcher, moved);

        // More work: the stuck worker gets none of it before it answers, then it does.
        var next = new Sink();
        dispatcher.Tell(Job(2, 4, next));
        Assert.Equal(2, Run(idle).JobId);
        NoRun(stuck, 100);
        Answer(stuck, dispatcher, stuckRuns[0]);
        Assert.Null(Settled(sink));
        Assert.Equal(Enumerable.Range(0, 6), sink.Done.Order());
        stuck.FishForMessage(m => m is ForgetJob { JobId: 1 });
        Assert.Equal(2, Run(stuck).JobId);
    }

    [Fact]
    public void A_worker_that_gives_back_every_chunk_it_held_is_idle_and_gets_work_again()
    {
        var (dispatcher, slow, idle, sink, slowRuns) = OneWorkerSilent();

        // It had started none of them (its thread was still busy elsewhere): it holds nothing, so it has nothing to answer.
        slow.ExpectMsg<ReturnChunks>(TimeSpan.FromSeconds(3));
        slow.Reply(new ChunksReturned([.. slowRuns.Select(r => new ReturnedChunk(r.JobId, r.Chunk))]));
        var again = new[] { Run(slow), Run(idle) }; // one each, as to any idle workers
        Assert.Equal(slowRuns.Select(r => r.Chunk).Order(), again.Select(r => r.Chunk).Order());
        Answer(slow, dispatcher, again[0]);
        Answer(idle, dispatcher, again[1]);
        Assert.Null(Settled(sink));
        Assert.Equal(Enumerable.Range(0, 6), sink.Done.Order());
    }
}
