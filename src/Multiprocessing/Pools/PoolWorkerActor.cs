using System.Diagnostics;
using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>
/// One pool worker (a routee of the pool's cluster router), deployed on a worker node. Chunks are
/// queued to a <see cref="UserCodeThread"/> that runs the user's code; their answers go back through
/// <see cref="PoolAnswers"/>, together when several ran back to back. The thread
/// keeps the job targets it was sent; after <c>maxtasksperchild</c> chunks it hands over to a fresh
/// thread, a new PoolWorker-N process scope, that runs the initializer again. Python replaces the
/// worker's OS process; here that process is the worker node, which also hosts other pools, actor-mode
/// processes and Manager objects, so it stays: static state and native memory are not renewed.
/// </summary>
internal sealed class PoolWorkerActor : ReceiveActor
{
    private readonly IActorRef _dispatcher;
    private readonly byte[] _initializer;
    private readonly int _maxTasksPerChild;
    private readonly PoolWorkQueue _work = new();
    // The node's runtime where its pool workers are processes of their own (a node's); null on a bare actor system (a spec's).
    private NodeRuntime? _runtime;
    private IActorRef _self = ActorRefs.Nobody;
    private PayloadSerializer _payloads = null!;
    private PoolRoute _route = null!;
    private string _name = "";
    private ActorSystem _system = null!;
    private PoolAnswers _answers = null!;

    /// <param name="initializer">The serialized <see cref="PoolInitializer"/>, or empty for none.</param>
    /// <param name="maxTasksPerChild">Chunks a thread runs before it is replaced; 0 for no limit.</param>
    public PoolWorkerActor(IActorRef dispatcher, byte[] initializer, int maxTasksPerChild)
    {
        _dispatcher = dispatcher;
        _initializer = initializer;
        _maxTasksPerChild = maxTasksPerChild;
        Receive<RunChunk>(run => _work.Add(run));
        Receive<RunChunks>(runs =>
        {
            foreach (var run in runs.Chunks) _work.Add(run);
        });
        Receive<ForgetJob>(forget =>
        {
            _work.TakeBack(run => run.JobId == forget.JobId); // its chunks not started never run (a cancelled job's): nothing waits on them
            _work.Add(forget);
        });
        Receive<FlushAnswers>(_ => _answers.Flush());
        // The chunk that carries a job's target stays: the dispatcher counts this worker as having it.
        Receive<ReturnChunks>(_ => _route.Send(_dispatcher, new ChunksReturned([.. _work.TakeBack(run => run.Target is null)
            .Select(run => new ReturnedChunk(run.JobId, run.Chunk))]), Self));
    }

    private sealed record FlushAnswers
    {
        public static readonly FlushAnswers Instance = new();
    }

    protected override void PreStart()
    {
        _self = Self;
        _system = Context.System;
        // The node's own serializer and limits, so the worker needs nothing but its actor system.
        _payloads = PayloadSerializer.Of(Context.System);
        _route = PoolRoute.Of(Context.System);
        _runtime = NodeRuntime.Of(Context.System);
        _name = $"{_runtime?.HostName ?? Context.System.Name}/{Self.Path.Name}";
        // Half what one message carries whole: the answers' envelopes fit beside their results.
        _answers = new PoolAnswers(answer => _route.Send(_dispatcher, answer, _self), () => _self.Tell(FlushAnswers.Instance),
            _route.InlineBytes / 2);
        StartThread([], []);
        _dispatcher.Tell(new PoolWorkerReady(Self), Self);
    }

    protected override void PostStop()
    {
        _work.CompleteAdding();
        _answers.Flush(); // what ran is answered, even as the worker stops
    }

    // waiting: chunks of a job whose function has not come yet (the chunk that carries it went another way, over Akka
    // before the direct link was up or in pieces for being large, and the next one overtook it); they run right after it.
    private void StartThread(Dictionary<long, PoolTarget> targets, Dictionary<long, List<RunChunk>> waiting) =>
        // A worker whose thread failed stops: the dispatcher sees it die and its chunks run elsewhere, as after a death.
        UserCodeThread.Start(_system, "pool-worker " + _name, () => Serve(targets, waiting), onFault: () => _self.Tell(PoisonPill.Instance));

    private void Serve(Dictionary<long, PoolTarget> targets, Dictionary<long, List<RunChunk>> waiting)
    {
        // Like Python's ForkPoolWorker-N: a process of its own for Mp.CurrentProcess(), whose Console
        // lines go to the coordinator's stdout as a process's do. A replaced worker is a new one.
        ProcessScope? scope = null;
        if (_runtime is { Supervisor: var output } runtime)
        {
            var name = $"{runtime.HostName}:PoolWorker-{runtime.Numbers.NextPoolWorker()}";
            ProcessScope.Enter(scope = new ProcessScope(MpProcess.ForMain(name), line => output.Tell(line, ActorRefs.NoSender)));
        }
        Exception? initializerFailure = null;
        if (_initializer.Length > 0)
        {
            try
            {
                ((PoolInitializer)_payloads.Deserialize(_initializer, "the pool initializer")).Run();
            }
            catch (Exception e)
            {
                initializerFailure = new InvalidOperationException($"The pool initializer failed in {_name}: {e.GetType().Name}: {e.Message}", e);
            }
        }

        var tasks = 0;
        while (_work.Take() is { } work)
        {
            if (work is ForgetJob forget)
            {
                targets.Remove(forget.JobId);
                Forgotten(forget.JobId);
                // Chunks still waiting for the function of a job that ended fail clearly.
                if (waiting.Remove(forget.JobId, out var orphans))
                    foreach (var orphan in orphans) _answers.Add(Execute(orphan, targets, initializerFailure), _work.Count > 0);
                continue;
            }
            var run = (RunChunk)work;
            if (run.Target is null && !targets.ContainsKey(run.JobId) && initializerFailure is null && !_forgotten.Contains(run.JobId))
            {
                (waiting.TryGetValue(run.JobId, out var early) ? early : waiting[run.JobId] = []).Add(run);
                continue;
            }
            List<RunChunk> runs = [run];
            if (run.Target is not null && waiting.Remove(run.JobId, out var overtaken)) runs.AddRange(overtaken);
            for (var i = 0; i < runs.Count; i++)
            {
                var answer = Execute(runs[i], targets, initializerFailure);
                scope?.Flush();
                _answers.Add(answer, moreQueued: i < runs.Count - 1 || _work.Count > 0);
                tasks++;
            }
            if (_maxTasksPerChild > 0 && tasks >= _maxTasksPerChild)
            {
                StartThread(targets, waiting);
                return;
            }
        }
    }

    // The jobs forgotten lately: a chunk of one fails clearly instead of waiting for a function that will not come.
    private readonly HashSet<long> _forgotten = [];
    private readonly Queue<long> _forgottenOrder = new();
    // A chunk overtaken by its job's end arrives soon after it: only recent jobs need remembering, and memory stays bounded.
    private const int ForgottenKept = 1024;

    private void Forgotten(long jobId)
    {
        if (!_forgotten.Add(jobId)) return;
        _forgottenOrder.Enqueue(jobId);
        if (_forgottenOrder.Count > ForgottenKept) _forgotten.Remove(_forgottenOrder.Dequeue());
    }

    private IChunkAnswer Execute(RunChunk run, Dictionary<long, PoolTarget> targets, Exception? initializerFailure)
    {
        try
        {
            if (initializerFailure is not null) throw initializerFailure;
            // A job's end can overtake its chunk that carries the function: that one is not kept, nor any chunk of it run.
            if (run.Target is not null && !_forgotten.Contains(run.JobId))
                targets[run.JobId] = (PoolTarget)_payloads.Deserialize(run.Target, "the pool's function");
            if (!targets.TryGetValue(run.JobId, out var target))
                throw new InvalidOperationException($"Pool worker {_name} was sent a chunk of job {run.JobId} without its function.");
            var started = Stopwatch.GetTimestamp();
            var results = target.Run(run.Items, _payloads, run.Chunk);
            return new ChunkDone(run.JobId, run.Chunk, results, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        catch (Exception e)
        {
            return RemoteErrors.Failed(run, e, _name);
        }
    }

    public static Props Props(IActorRef dispatcher, byte[] initializer, int maxTasksPerChild) =>
        // A chunk that came over a direct link is queued on the link's reader thread (the actor writes nothing big there).
        Akka.Actor.Props.Create(() => new PoolWorkerActor(dispatcher, initializer, maxTasksPerChild)).WithDispatcher(DispatcherId);

    /// <summary>Where pool workers' actors run (multiprocessing.pool.dispatcher); their user code runs on a thread of its own.</summary>
    public const string DispatcherId = "multiprocessing.pool.dispatcher";
}
