using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>
/// The pool's side on the node that created it. The cluster router deploys the workers (and new
/// ones on nodes that join later); each worker announces itself here, and this actor hands out
/// chunks round-robin to the workers that have credit: chunks-in-flight-per-worker, or as many as
/// run in work-ahead-per-worker when a job's chunks are fast (so that tiny tasks do not each wait a
/// round trip), the chunks given to one worker at once in one message. A worker that has answered
/// nothing for a while (stuck on a long chunk) when another idles with nothing left to give is asked
/// for the chunks it has not started, which go to the idle one: fast chunks never wait behind a slow
/// one while a worker could run them, as in Python, whose workers take from one shared queue.
/// It knows which worker holds which chunk, so the chunks of a worker that dies go to the others,
/// and so do those of a worker whose node becomes unreachable (they may then run twice: the first
/// answer counts), which gets nothing new until its node is reachable again.
/// </summary>
internal sealed class PoolDispatcherActor : ReceiveActor, IWithTimers
{
    /// <summary>A new job, with its input so far (a Map's whole; none yet for an Imap's, which comes in <see cref="ChunksReady"/>).</summary>
    public sealed record Submit(PoolJob Job, IReadOnlyList<(int Chunk, byte[] Items)> Chunks, int? TotalChunks);
    /// <summary>More of a job's input, serialized in chunks; <paramref name="TotalChunks"/> once the input ended (a Map's comes whole, an Imap's as it is read).</summary>
    public sealed record ChunksReady(long JobId, IReadOnlyList<(int Chunk, byte[] Items)> Chunks, int? TotalChunks);
    public sealed record Cancel(long JobId);
    public sealed record Terminate(string Reason);

    /// <summary>The workers on <paramref name="Node"/> cannot be reached (from the cluster's reachability events).</summary>
    public sealed record NodeUnreachable(Address Node);

    public sealed record NodeReachable(Address Node);

    /// <summary>Asks for the pool's <see cref="MpPoolStatus"/>.</summary>
    public sealed record GetStatus;

    private sealed record NoWorkerTimedOut;

    /// <summary>A worker idles with nothing left to give: those that still answer nothing by now are asked for what they have not started.</summary>
    private sealed record ReclaimOverdue
    {
        public static readonly ReclaimOverdue Instance = new();
    }

    private sealed class HeldChunk(PoolJob job, int chunk, byte[] items)
    {
        public PoolJob Job { get; } = job;
        public int Chunk { get; } = chunk;
        public byte[] Items { get; } = items;

        /// <summary>Given to other workers too, its worker's node being unreachable.</summary>
        public bool Reassigned { get; set; }
    }

    private sealed class Worker(IActorRef actor)
    {
        public IActorRef Actor { get; } = actor;
        public LinkedList<HeldChunk> Held { get; } = new();

        /// <summary>The bytes of the chunks it holds.</summary>
        public long HeldBytes { get; set; }

        /// <summary>When it last answered, or was given work while idle (<see cref="Stopwatch.GetTimestamp"/>).</summary>
        public long LastProgress { get; set; }

        /// <summary>Asked for the chunks it has not started; it gets nothing new until its next answer (or it holds none).</summary>
        public bool Reclaimed { get; set; }

        /// <summary>Where it holds chunk <paramref name="chunk"/> of job <paramref name="jobId"/>; null if it does not.</summary>
        public LinkedListNode<HeldChunk>? Holding(long jobId, int chunk)
        {
            var node = Held.First;
            while (node is not null && !(node.Value.Job.Id == jobId && node.Value.Chunk == chunk)) node = node.Next;
            return node;
        }

        /// <summary>Runs a chunk whose previous worker died, alone: if it dies too, the chunk surely killed it.</summary>
        public bool Isolating { get; set; }

        /// <summary>Its node is unreachable: it gets no chunk until it is reachable again.</summary>
        public bool Unreachable { get; set; }
    }

    /// <summary>Chunks a worker holds at most however fast they run (and answers one message of <see cref="PoolAnswers"/> carries).</summary>
    internal const int MaxChunksInFlight = 64;

    /// <summary>Held bytes past which a worker gets no more than the configured credit.</summary>
    private const long HeldBytesPastCredit = 1 << 20;

    /// <summary>A worker is taken for stuck after answering nothing for work-ahead-per-worker, and never sooner than this (it may be 0).</summary>
    private static readonly TimeSpan MinimumReclaimAfter = TimeSpan.FromMilliseconds(5);

    private readonly PoolSettings _settings;
    private readonly PoolRoute _route = PoolRoute.Of(Context.System);
    private readonly List<Worker> _workers = [];
    private readonly List<PoolJob> _jobs = []; // oldest first: earlier calls are served first
    private int _next;
    private string? _terminated;

    public ITimerScheduler Timers { get; set; } = null!;

    public PoolDispatcherActor(PoolSettings settings)
    {
        _settings = settings;

        Receive<GetStatus>(_ => Sender.Tell(new MpPoolStatus(Self.Path.Name, _workers.Count,
            [.. _jobs.Select(j => new MpPoolJobStatus(j.Id, j.Answered.Count, j.TotalChunks < 0 ? null : j.TotalChunks))])));

        Receive<PoolWorkerReady>(ready =>
        {
            if (_terminated is not null || _workers.Any(w => w.Actor.Equals(ready.Worker))) return;
            Context.Watch(ready.Worker);
            _workers.Add(new Worker(ready.Worker));
            Timers.Cancel(nameof(NoWorkerTimedOut));
            Dispatch();
        });

        Receive<Submit>(submit =>
        {
            if (_terminated is not null)
            {
                submit.Job.Sink.Failed(new MpPoolException(_terminated));
                return;
            }
            _jobs.Add(submit.Job);
            Input(submit.Job, submit.Chunks, submit.TotalChunks);
            Dispatch();
        });

        Receive<ChunksReady>(ready =>
        {
            if (Find(ready.JobId) is { } job) Input(job, ready.Chunks, ready.TotalChunks);
            Dispatch();
        });

        Receive<ChunkDone>(done =>
        {
            Answered(done);
            Dispatch();
        });

        Receive<ChunkFailed>(failed =>
        {
            Answered(failed);
            Dispatch();
        });

        Receive<ChunksAnswered>(answers =>
        {
            foreach (var answer in answers.Answers) Answered(answer);
            Dispatch();
        });

        Receive<ReclaimOverdue>(_ => Reclaim());

        // What a stuck worker had not started runs elsewhere: fresh work, never run there.
        Receive<ChunksReturned>(returned =>
        {
            if (_workers.Find(w => w.Actor.Equals(Sender)) is not { } worker) return;
            foreach (var chunk in returned.Chunks)
            {
                if (worker.Holding(chunk.JobId, chunk.Chunk) is not { } node) continue;
                Release(worker, node);
                var held = node.Value;
                // One already given to others (its node was unreachable) is queued there once.
                if (!held.Reassigned && _jobs.Contains(held.Job) && !held.Job.Answered.Contains(held.Chunk))
                    held.Job.Reassigned.Enqueue((held.Chunk, held.Items));
            }
            // Holding nothing now, it has nothing to answer: it is idle like any other.
            if (worker.Held.Count == 0) worker.Reclaimed = false;
            Dispatch();
        });

        Receive<Cancel>(cancel =>
        {
            if (Find(cancel.JobId) is { } job) Forget(job);
            Dispatch();
        });

        Receive<ClusterEvent.UnreachableMember>(e => Unreachable(e.Member.Address));
        Receive<NodeUnreachable>(e => Unreachable(e.Node));
        Receive<ClusterEvent.ReachableMember>(e => Reachable(e.Member.Address));
        Receive<NodeReachable>(e => Reachable(e.Node));

        Receive<Terminated>(terminated => Died(_workers.Where(w => w.Actor.Equals(terminated.ActorRef)).ToList()));
        // A node marked down is gone (a local worker whose process exited is downed at once): no need to wait for its removal.
        Receive<ClusterEvent.MemberDowned>(downed => Died(_workers.Where(w => w.Actor.Path.Address.Equals(downed.Member.Address)).ToList()));

        Receive<NoWorkerTimedOut>(_ =>
        {
            if (_workers.Count > 0) return;
            foreach (var job in _jobs.ToList())
            {
                job.Sink.Failed(new MpPoolException(
                    $"No pool worker was available for {_settings.NoWorkerTimeout.TotalSeconds:0.#} s (multiprocessing.pool.no-worker-timeout): " +
                    $"no worker node with the role '{_settings.WorkerRole}' is up."));
                Forget(job);
            }
        });

        Receive<Terminate>(terminate =>
        {
            _terminated = terminate.Reason;
            foreach (var job in _jobs.ToList())
            {
                job.Sink.Failed(new MpPoolException(terminate.Reason));
                Forget(job);
            }
            Sender.Tell(Akka.Done.Instance);
        });
    }

    private PoolJob? Find(long jobId) => _jobs.Find(j => j.Id == jobId);

    private void Died(List<Worker> dead)
    {
        foreach (var worker in dead)
        {
            _workers.Remove(worker);
            // The chunk running may not be the oldest held (its predecessor's answer can die with the
            // node), so every chunk held counts the death; each then runs alone on its next worker
            // (one already given to others while the node was unreachable stays where it went).
            foreach (var held in worker.Held)
            {
                var (job, chunk) = (held.Job, held.Chunk);
                if (!_jobs.Contains(job) || job.Answered.Contains(chunk)) continue;
                if (!held.Reassigned) job.Retries.Enqueue((chunk, held.Items));
                var deaths = job.Deaths[chunk] = job.Deaths.GetValueOrDefault(chunk) + 1;
                if (deaths < _settings.MaxChunkAttempts) continue;
                job.Sink.Failed(new MpPoolException(
                    $"Chunk {chunk} of a pool call lost its worker {deaths} times (last on {worker.Actor.Path.Address}); " +
                    $"it is not retried again (multiprocessing.pool.max-chunk-attempts = {_settings.MaxChunkAttempts})."));
                Forget(job);
            }
        }
        foreach (var job in _jobs) ReorderRetries(job);
        WatchForNoWorkers();
        Dispatch();
    }

    // Not a death (the node may come back, and its death counts only once it is down or removed): what
    // its workers held goes to the others as fresh work, and they get nothing new meanwhile.
    private void Unreachable(Address node)
    {
        var unreachable = _workers.Where(w => w.Actor.Path.Address.Equals(node)).ToList();
        foreach (var worker in unreachable) worker.Unreachable = true;
        foreach (var held in unreachable.SelectMany(w => w.Held).Where(h => !h.Reassigned && _jobs.Contains(h.Job) && !h.Job.Answered.Contains(h.Chunk)))
        {
            // Each unreachable holder may turn out dead: a chunk is not spread to more workers than
            // max-chunk-attempts allows to die of it; past that, it waits for the verdict.
            var suspicions = held.Job.Deaths.GetValueOrDefault(held.Chunk) + _workers.Count(w => w.Unreachable && w.Held.Any(h => h.Job == held.Job && h.Chunk == held.Chunk));
            if (suspicions >= _settings.MaxChunkAttempts) continue;
            held.Reassigned = true;
            held.Job.Reassigned.Enqueue((held.Chunk, held.Items));
        }
        Dispatch();
    }

    private void Reachable(Address node)
    {
        foreach (var worker in _workers.Where(w => w.Actor.Path.Address.Equals(node))) worker.Unreachable = false;
        Dispatch();
    }

    protected override void PreStart()
    {
        if (NodeAddresses.IsClusterMember(Context.System))
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.MemberDowned));
    }

    protected override void PostStop()
    {
        if (NodeAddresses.IsClusterMember(Context.System)) Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private void Answered(IChunkAnswer answer)
    {
        var worker = _workers.Find(w => w.Actor.Equals(Sender));
        if (worker is not null)
        {
            worker.LastProgress = Stopwatch.GetTimestamp();
            worker.Reclaimed = false;
            if (worker.Holding(answer.JobId, answer.Chunk) is { } node) Release(worker, node);
            if (worker.Held.Count == 0) worker.Isolating = false;
        }
        if (Find(answer.JobId) is not { } job) return;
        if (answer is ChunkDone ran) job.RunTime.Add(ran.RunMicroseconds);
        // A chunk retried because its worker's death was seen before its answer is answered twice: the first answer counts.
        if (!job.Answered.Add(answer.Chunk)) return;
        if (answer is ChunkDone result) job.Sink.ChunkDone(answer.Chunk, result.Results);
        else job.Sink.ChunkFailed((ChunkFailed)answer);
        Settle(job);
    }

    private static void Release(Worker worker, LinkedListNode<HeldChunk> held)
    {
        worker.Held.Remove(held);
        worker.HeldBytes -= held.Value.Items.LongLength;
    }

    private void Input(PoolJob job, IReadOnlyList<(int Chunk, byte[] Items)> chunks, int? totalChunks)
    {
        foreach (var chunk in chunks) job.Ready.Enqueue(chunk);
        if (totalChunks is { } total) job.InputEnded(total);
        Settle(job);
    }

    // A job is over once every chunk of its input has been answered.
    private void Settle(PoolJob job)
    {
        if (job.TotalChunks < 0 || job.Answered.Count < job.TotalChunks) return;
        job.Sink.Completed();
        Forget(job);
    }

    private void Forget(PoolJob job)
    {
        _jobs.Remove(job);
        foreach (var worker in job.WorkersWithTarget) _route.Send(worker, new ForgetJob(job.Id), Self);
        foreach (var worker in _workers)
        {
            var node = worker.Held.First;
            while (node is not null)
            {
                var next = node.Next;
                if (node.Value.Job == job) Release(worker, node); // its answer will find no job
                node = next;
            }
        }
    }

    // Retried chunks go first, in input order.
    private static void ReorderRetries(PoolJob job)
    {
        if (job.Retries.Count < 2) return;
        var sorted = job.Retries.OrderBy(r => r.Chunk).ToList();
        job.Retries.Clear();
        foreach (var retry in sorted) job.Retries.Enqueue(retry);
    }

    private void WatchForNoWorkers()
    {
        if (_workers.Count == 0 && _jobs.Count > 0 && !Timers.IsTimerActive(nameof(NoWorkerTimedOut)))
            Timers.StartSingleTimer(nameof(NoWorkerTimedOut), new NoWorkerTimedOut(), _settings.NoWorkerTimeout);
    }

    /// <summary>
    /// Round-robin over the workers: one chunk to each worker with credit per pass, until no credit or no chunk is left;
    /// then the chunks each worker was given go to it, small ones together.
    /// </summary>
    private void Dispatch()
    {
        WatchForNoWorkers();
        var given = new Dictionary<Worker, List<RunChunk>>();
        var progress = true;
        while (progress && _workers.Count > 0)
        {
            progress = false;
            var reachable = _workers.Count(w => !w.Unreachable);
            var credit = Credit();
            for (var i = 0; i < _workers.Count; i++)
            {
                var worker = _workers[_next++ % _workers.Count];
                if (worker.Unreachable || worker.Isolating || worker.Reclaimed || worker.Held.Count >= credit) continue;
                // Past the configured credit, only while what it holds is small: fast tasks on large items do not pile up memory.
                if (worker.Held.Count >= _settings.ChunksInFlightPerWorker && worker.HeldBytes >= HeldBytesPastCredit) continue;
                // A busy worker is topped up only while there is plenty left: at the tail, a chunk queued
                // behind a long one would wait while another worker idles. A retry waits for an idle worker.
                if (worker.Held.Count > 0 && (_jobs.Any(j => j.Retries.Count > 0) || _jobs.Sum(j => j.Ready.Count + j.Reassigned.Count) <= reachable)) continue;
                if (NextChunk(idle: worker.Held.Count == 0) is not { } next) continue;
                var (job, chunk, items, retry) = next;
                worker.Isolating = retry;
                if (worker.Held.Count == 0) worker.LastProgress = Stopwatch.GetTimestamp();
                var target = job.WorkersWithTarget.Add(worker.Actor) ? job.Target : null;
                worker.Held.AddLast(new HeldChunk(job, chunk, items));
                worker.HeldBytes += items.LongLength;
                (given.TryGetValue(worker, out var runs) ? runs : given[worker] = []).Add(new RunChunk(job.Id, chunk, target, items));
                progress = true;
            }
        }
        foreach (var (worker, runs) in given) Send(worker.Actor, runs);
        WatchForStuckWorkers();
    }

    // Nothing left to give and a worker idles while another holds chunks it has not started: if that one still answers
    // nothing by the time the work ahead should have taken, it is stuck on a long chunk, and gives the others back.
    private void WatchForStuckWorkers()
    {
        if (Timers.IsTimerActive(nameof(ReclaimOverdue)) || _jobs.Any(j => j.Ready.Count + j.Reassigned.Count + j.Retries.Count > 0)) return;
        if (!_workers.Any(w => w.Held.Count == 0 && !w.Unreachable && !w.Reclaimed) || !_workers.Any(Reclaimable)) return;
        Timers.StartSingleTimer(nameof(ReclaimOverdue), ReclaimOverdue.Instance, ReclaimAfter);
    }

    private void Reclaim()
    {
        var overdue = Stopwatch.GetTimestamp() - (long)(ReclaimAfter.TotalSeconds * Stopwatch.Frequency);
        foreach (var worker in _workers.Where(w => Reclaimable(w) && w.LastProgress <= overdue))
        {
            worker.Reclaimed = true;
            _route.Send(worker.Actor, ReturnChunks.Instance, Self);
        }
        WatchForStuckWorkers();
    }

    private static bool Reclaimable(Worker worker) => worker.Held.Count > 1 && !worker.Unreachable && !worker.Reclaimed;

    // As long as the work a worker holds ahead should take (a worker that holds the configured credit of slow chunks is
    // stuck only once it is past that much too).
    private TimeSpan ReclaimAfter => _settings.WorkAheadPerWorker > MinimumReclaimAfter ? _settings.WorkAheadPerWorker : MinimumReclaimAfter;

    // One message per run of small chunks (under half what a message carries whole); a large chunk goes alone, in pieces.
    private void Send(IActorRef worker, List<RunChunk> runs)
    {
        var limit = _route.InlineBytes / 2;
        var batch = new List<RunChunk>();
        long bytes = 0;
        void SendBatch()
        {
            if (batch.Count == 1) _route.Send(worker, batch[0], Self);
            else if (batch.Count > 1) _route.Send(worker, new RunChunks(batch), Self);
            batch = [];
            bytes = 0;
        }
        foreach (var run in runs)
        {
            if (bytes + run.PayloadBytes > limit) SendBatch();
            batch.Add(run);
            bytes += run.PayloadBytes;
        }
        SendBatch();
    }

    // How many chunks a worker may hold: the configured credit, or, once the job next in line has shown its chunks to be
    // fast, as many as run in work-ahead-per-worker (each waiting chunk hides part of the round trip to the worker).
    private int Credit()
    {
        var job = _jobs.Find(j => j.Ready.Count + j.Reassigned.Count > 0);
        if (job?.RunTime.Mean is not { } micros) return _settings.ChunksInFlightPerWorker;
        var fit = _settings.WorkAheadPerWorker.TotalMicroseconds / Math.Max(1, micros);
        return (int)Math.Clamp(Math.Ceiling(fit), _settings.ChunksInFlightPerWorker, Math.Max(_settings.ChunksInFlightPerWorker, MaxChunksInFlight));
    }

    // Retries first, and only to an idle worker; then, in call order, the chunks of unreachable workers and fresh ones.
    private (PoolJob Job, int Chunk, byte[] Items, bool Retry)? NextChunk(bool idle)
    {
        if (idle)
            foreach (var job in _jobs)
                while (job.Retries.TryDequeue(out var retry))
                    if (!job.Answered.Contains(retry.Chunk)) return (job, retry.Chunk, retry.Items, true);
        foreach (var job in _jobs)
        {
            while (job.Reassigned.TryDequeue(out var reassigned))
                if (!job.Answered.Contains(reassigned.Chunk)) return (job, reassigned.Chunk, reassigned.Items, false);
            if (job.Ready.TryDequeue(out var ready)) return (job, ready.Chunk, ready.Items, false);
        }
        return null;
    }

    // On Akka's dispatcher, not a link's reader thread: it writes chunks (up to half a frame) to other nodes' links, and a
    // reader blocked in such a write reads nothing, which could hold up the node writing to it in turn.
    public static Props Props(PoolSettings settings) => Akka.Actor.Props.Create(() => new PoolDispatcherActor(settings));
}
