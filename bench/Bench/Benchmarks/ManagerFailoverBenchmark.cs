using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// How long a replicated Manager object is away when the worker node that holds it is SIGKILLed: the first write
/// after the kill waits while the object comes back on the other worker from its copy, and is timed. Python has no
/// row: its Manager is one server process, and its objects end with it. The moment the coordinator's failure detector
/// finds the node unreachable is taken too: what follows it is the failover's own time.
/// </summary>
public sealed class ManagerFailoverBenchmark : IBenchmark
{
    private const int Written = 1000;

    public string Name => "manager_failover";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var resumed = new List<double>();
        var afterDetection = new List<double>();
        var shardCoordinatorMoved = new List<double>();
        TimeSpan detection = default;
        for (var i = 0; i < run.Runs; i++)
        {
            // A fresh cluster each time: a kill leaves one worker.
            await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
            var config = mp.Runtime.System.Settings.Config;
            detection = config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval") +
                        config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause");
            await using var manager = await mp.ManagerAsync();
            var d = manager.Dict<int, int>();
            for (var k = 0; k < Written; k++) d[k] = k; // located: these go over the direct link to its node
            var holder = (await mp.StatusAsync()).Nodes.Single(n => n.Role == "worker" && n.ManagerObjects > 0);
            var cluster = Cluster.Get(mp.Runtime.System);
            var victim = cluster.State.Members.Single(m => m.Address.ToString() == holder.Address);
            // The oldest worker runs the Manager's shard coordinator (a cluster singleton): killing it moves that too.
            var heldShardCoordinator = cluster.State.Members.Where(m => m.HasRole("worker")).Min(Member.AgeOrdering)!.Address == victim.Address;
            var watch = Stopwatch.StartNew();
            var detected = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            var detector = mp.Runtime.System.ActorOf(Props.Create(() => new UnreachableWatch(victim.Address, watch, detected)));
            Process.GetProcessById(holder.Pid!.Value).Kill();
            d[Written] = Written; // waits while the dict comes back on the other worker
            resumed.Add(watch.Elapsed.TotalSeconds);
            var detectedAt = await detected.Task.WaitAsync(TimeSpan.FromSeconds(30));
            mp.Runtime.System.Stop(detector);
            afterDetection.Add(resumed[^1] - detectedAt);
            if (heldShardCoordinator) shardCoordinatorMoved.Add(afterDetection[^1]);
            if (d.Count != Written + 1 || d[Written / 2] != Written / 2)
                throw new InvalidOperationException($"The dict came back with {d.Count} keys, expected {Written + 1}.");
            BenchRun.Log($"run {i + 1}/{run.Runs}: the first write after the kill took {resumed[^1]:0.00} s, {afterDetection[^1]:0.00} s after the node " +
                         $"was found unreachable ({detectedAt:0.00} s){(heldShardCoordinator ? "; it ran the shard coordinator" : "")}");
        }

        var stats = Stats.Of([.. resumed]);
        var failover = Stats.Of([.. afterDetection]);
        var section = new Section("Manager failover");
        section.Intro.Add($"A replicated Manager dict (the default) with {Written} keys on a cluster of coordinator + 2 local workers; the worker node " +
                          "that holds it is SIGKILLed and the coordinator writes one more key at once: the seconds that write takes, while the " +
                          "dict comes back on the other worker from its copy. A fresh cluster per run. Python has no such row: its Manager is " +
                          "one process, and its objects end with it.");
        section.Rows.Add(new Row("Manager dict: first write after its node is SIGKILLed", "s", stats, null, true,
            $"not judged: detection varies (configured {detection.TotalSeconds:0.#} s)", Verdict.NotJudged));
        section.Rows.Add(new Row("Manager dict: that write, after the coordinator found the node unreachable", "s", failover, null, true,
            "<= 1 s (failure detection + 1 s)", failover.Median <= 1 ? Verdict.Pass : Verdict.Miss));
        if (shardCoordinatorMoved.Count > 0)
            section.Notes.Add($"In {shardCoordinatorMoved.Count} of {run.Runs} runs the killed node also ran the Manager's shard coordinator (the oldest worker " +
                              $"runs that cluster singleton), which starts again on the other worker first: {string.Join(", ", shardCoordinatorMoved.Select(s => $"{s:0.00}"))} s after detection there.");
        section.Notes.Add($"Failure detection: akka.cluster.failure-detector heartbeat-interval + acceptable-heartbeat-pause = {detection.TotalSeconds:0.#} s " +
                          "configured; the phi-accrual detector finds the node unreachable a little later (the detection times are in the log of the run). " +
                          "A local worker is downed as soon as its process exits, but the cluster removes it only once the others find it " +
                          "unreachable; its shards start elsewhere `down-removal-margin` (200 ms) later, and the write, waiting in the " +
                          "coordinator's region proxy or sent again every `manager.resend-after` (500 ms), reaches the dict there.");
        return section;
    }

    /// <summary>Completes with the watch's seconds when the coordinator's cluster finds <paramref name="node"/> unreachable.</summary>
    private sealed class UnreachableWatch : ReceiveActor
    {
        public UnreachableWatch(Address node, Stopwatch watch, TaskCompletionSource<double> detected)
        {
            Receive<ClusterEvent.UnreachableMember>(e => e.Member.Address == node, _ => detected.TrySetResult(watch.Elapsed.TotalSeconds));
            Receive<ClusterEvent.MemberRemoved>(e => e.Member.Address == node, _ => detected.TrySetResult(watch.Elapsed.TotalSeconds));
            ReceiveAny(_ => { });
        }

        protected override void PreStart() =>
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
