using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Managers;
using Multiprocessing.Tests.Support;
using Xunit.Abstractions;

namespace Multiprocessing.Tests.Managers;

/// <summary>
/// A replicated Manager's objects (the default, <c>multiprocessing.manager.replicas = 1</c>) when the worker node that
/// holds them is SIGKILLed: they come back on another worker with every acknowledged operation, proxies in every
/// process go on, parked waiters are served by the new holder. (With <c>replicas: 0</c> they are lost, as before:
/// NodeLossTests.) Each test runs its own cluster of three worker nodes.
/// </summary>
public sealed class ManagerFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private const int Workers = 3;
    private const int Dicts = 12;
    private const int Writers = 2;
    private const int Rounds = 5;
    // Writer steps, both writers together, between two kills (and up to twice as many), and after the last repair: each
    // step is an acknowledged dict write, so the writers make at least 10,000 across the five kills (issue 15's scale).
    private const int MinSteps = 1700;
    private const int LeastDictWrites = 10_000;

    [Fact]
    public async Task Acknowledged_writes_to_every_kind_of_Manager_object_survive_five_successive_worker_kills_with_repair()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var because = $"(seed {seed})";
        output.WriteLine($"seed {seed}");
        using var auth = new AuthFile();
        var mp = await StartClusterAsync(auth);
        var repairs = new List<DotnetProgram>();
        try
        {
            await using var manager = await mp.ManagerAsync();
            manager.Register(() => new Counter());
            var objects = new FailoverObjects(NewDicts(manager), [.. Enumerable.Range(0, Writers).Select(_ => manager.List<int>())],
                manager.Value(0), manager.Create<Counter>(), manager.Queue<int>());
            var signals = new FailoverSignals(mp.Queue<int>(), mp.Queue<int>(), mp.Queue<WriterReport>(), mp.Queue<ConsumerReport>(), mp.Queue<string>());
            var writers = Enumerable.Range(0, Writers).Select(w => mp.Process(ManagerFailoverTargets.WriteThroughFailovers, objects, signals, w)).ToList();
            var consumer = mp.Process(ManagerFailoverTargets.ConsumeUntilStopped, objects.Queue, signals);
            List<MpProcess> all = [.. writers, consumer];
            foreach (var process in all) process.Start();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var round = 0; round < Rounds; round++)
            {
                var when = $"in round {round} {because}";
                // A random moment: some hundreds of steps after the calls resumed (or the writers started).
                AwaitNewProgress(signals.Progress, MinSteps + random.Next(MinSteps), all, when);
                var holders = await HoldersAsync(mp);
                Assert.True(holders.Count > 0, $"no worker node holds a Manager object {when}");
                var victim = holders[random.Next(holders.Count)];
                var killed = clock.Elapsed;
                Kill(mp, victim);
                // The repair joins while the writers go on (its start takes seconds here): the next kill may come before it is Up.
                repairs.Add(StartWorker(mp, auth, $"repair-{round}"));
                AwaitNewProgress(signals.Progress, ManagerFailoverTargets.ReportEvery, all, when);
                output.WriteLine($"round {round}: killed {victim.Name} (pid {victim.Pid}), which held {victim.ManagerObjects} objects; " +
                    $"{ManagerFailoverTargets.ReportEvery} more steps {clock.Elapsed - killed:s\\.f} s later");
            }
            await AwaitRepairedAsync(mp);
            // The calls go on after the last repair too.
            AwaitNewProgress(signals.Progress, MinSteps, all, $"after the last repair {because}");

            signals.Stop.Put(1);
            foreach (var process in all) Assert.True(process.Join(Patience), $"{process.Name} did not end {because}");
            var failures = new List<string>();
            while (!signals.Failures.Empty()) failures.Add(signals.Failures.Get(block: true, Patience)!);
            Assert.True(all.All(p => p.ExitCode == 0),
                $"{string.Join(", ", all.Select(p => $"{p.Name} exited {p.ExitCode}"))} {because}: {string.Join(" | ", failures)}");
            var reports = writers.Select(_ => signals.Writers.Get(block: true, Patience)!).OrderBy(r => r.Writer).ToList();
            var consumed = signals.Consumer.Get(block: true, Patience)!;
            foreach (var report in reports)
                output.WriteLine($"writer {report.Writer}: {report.Steps} steps, of unknown outcome: [{string.Join(", ", report.Unknown)}]");
            output.WriteLine($"consumer: {consumed.Items.Length} items, {consumed.Failures} gets failed with MpRemoteGoneException");
            var counts = await mp.Runtime.Managers.Keeper.Ask<ManagerKeeperActor.Counts>(new ManagerKeeperActor.GetCounts(), Patience);
            output.WriteLine($"{counts}");

            var dequeued = consumed.Items.Concat(KilledConsumers.TakeWhatCameBack(objects.Queue, _ => false, Patience)).ToList();
            Assert.True(reports.Sum(r => r.Steps) >= LeastDictWrites, $"the writers made {reports.Sum(r => r.Steps)} steps {because}");
            await AssertEveryAcknowledgedStepIsThereOnceAsync(objects, reports, dequeued, because);
            // A kill fails at most the one call each writer has in flight.
            foreach (var report in reports)
                Assert.True(report.Unknown.Length <= Rounds,
                    $"writer {report.Writer}: {report.Unknown.Length} steps failed with MpRemoteGoneException in {Rounds} kills: {string.Join(", ", report.Unknown.Take(20))} {because}");
            // Each victim held objects that the writers kept using: they came back from their copies.
            Assert.True(counts.FailedOver >= Rounds, $"{counts.FailedOver} objects came back from their copies after {Rounds} kills {because}");
        }
        finally
        {
            await mp.DisposeAsync();
            foreach (var repair in repairs) repair.Dispose();
        }
    }

    [Fact]
    public async Task A_process_waiting_on_a_Manager_queue_and_lock_of_a_killed_worker_is_served_by_the_object_s_new_holder()
    {
        using var auth = new AuthFile();
        var mp = await StartClusterAsync(auth);
        try
        {
            await using var manager = await mp.ManagerAsync();
            var queue = manager.Queue<int>();
            var @lock = manager.Lock();
            Assert.True(@lock.Acquire());
            var steps = mp.Queue<string>();
            var child = mp.Process(ManagerFailoverTargets.AwaitItemAndLock, queue, @lock, steps);
            child.Start();
            Assert.Equal("waiting", steps.Get(block: true, Patience));
            await UntilAsync(async () => await queue.WaitingConsumersAsync() == 1, "the child's get waits at the queue");

            // The queue and the lock are the cluster's only Manager objects: the nodes that hold any hold them.
            var holders = await HoldersAsync(mp);
            Assert.Equal(2, holders.Sum(n => n.ManagerObjects));
            // One worker is left at least: it takes both objects.
            foreach (var holder in holders)
            {
                Kill(mp, holder);
                output.WriteLine($"killed {holder.Name} (pid {holder.Pid}), which held {holder.ManagerObjects} of the 2 objects");
            }

            // Both calls reach the objects while they come back elsewhere; the child's parked get and acquire are served there.
            queue.Put(42);
            @lock.Release();
            Assert.Equal("got 42", steps.Get(block: true, Patience));
            Assert.Equal("acquired", steps.Get(block: true, Patience));
            Assert.True(child.Join(Patience));
            Assert.Equal(0, child.ExitCode);
        }
        finally
        {
            await mp.DisposeAsync();
        }
    }

    private static Task<MpContext> StartClusterAsync(AuthFile auth) => Mp.StartAsync(new MpOptions { Workers = Workers, AuthFile = auth.Path });

    private static MpDict<int, int>[] NewDicts(MpManager manager) => [.. Enumerable.Range(0, Dicts).Select(_ => manager.Dict<int, int>())];

    private static DotnetProgram StartWorker(MpContext mp, AuthFile auth, string name) =>
        DotnetProgram.Start("WorkerNode", "--seed", mp.Address, "--auth", auth.Path, "--name", name, "--assembly", typeof(ManagerTargets).Assembly.Location);

    // The worker nodes that hold Manager objects now (the shard regions' entity counts), in name order: what a kill can hit.
    // Spawn hosts (where the test's processes run) are WorkerNode processes too, but never "worker"s here.
    private static async Task<List<MpNodeStatus>> HoldersAsync(MpContext mp) =>
        [.. (await mp.StatusAsync()).Nodes
            .Where(n => n.Role == "worker" && n.State == "Up" && n.ManagerObjects > 0 && n.Pid is { } pid && OsProcesses.IsAlive(pid))
            .OrderBy(n => n.Name, StringComparer.Ordinal)];

    // SIGKILL. The coordinator downs a worker it launched as soon as it sees it exit; one started by hand (a repair)
    // would be downed by the split-brain resolver after failure detection and stable-after (about 10 s): the test downs
    // it at once instead, as an operator who knows it is dead would.
    private static void Kill(MpContext mp, MpNodeStatus node)
    {
        OsProcesses.Kill(node.Pid!.Value);
        if (!node.Name.StartsWith("worker-", StringComparison.Ordinal)) Cluster.Get(mp.Runtime.System).Down(Address.Parse(node.Address));
    }

    // Three worker nodes again, the repairs: Up and reachable members, registered with the coordinator.
    private static async Task AwaitRepairedAsync(MpContext mp)
    {
        await mp.WaitForWorkersAsync(Workers, Patience);
        var cluster = Cluster.Get(mp.Runtime.System);
        await UntilAsync(() =>
        {
            var state = cluster.State;
            return Task.FromResult(state.Members.Count(m => m.HasRole("worker") && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m)) == Workers);
        }, $"{Workers} worker nodes Up");
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not within {Patience}: {what}.");
            await Task.Delay(PollInterval);
        }
    }

    // Waits for `steps` writer steps made from now on (reports older than this call are dropped first); fails at once if
    // one of `processes` ended, or after Patience.
    private static void AwaitNewProgress(MpQueue<int> progress, int steps, IReadOnlyList<MpProcess> processes, string when)
    {
        while (true)
        {
            try
            {
                progress.Get(block: false);
            }
            catch (MpQueueEmptyException)
            {
                break;
            }
        }
        var deadline = DateTime.UtcNow + Patience;
        for (var made = 0; made < steps;)
        {
            try
            {
                progress.Get(block: true, TimeSpan.FromSeconds(1));
                made += ManagerFailoverTargets.ReportEvery;
            }
            catch (MpQueueEmptyException)
            {
                var ended = processes.FirstOrDefault(p => !p.IsAlive);
                Assert.True(ended is null, $"{ended?.Name} ended with exit code {ended?.ExitCode} {when}");
                Assert.True(DateTime.UtcNow < deadline, $"the writers made {made} of {steps} steps in {Patience} {when}");
            }
        }
    }

    /// <summary>A writer's step: acknowledged, or of unknown outcome (present at most once).</summary>
    private sealed record Step(int Writer, int Number, bool Acknowledged)
    {
        public int Key => ManagerFailoverTargets.Key(Writer, Number);
    }

    // Every acknowledged step is in every object it touched, exactly once; a step of unknown outcome at most once.
    private static async Task AssertEveryAcknowledgedStepIsThereOnceAsync(FailoverObjects objects, IReadOnlyList<WriterReport> reports, IReadOnlyList<int> dequeued, string because)
    {
        List<Step> steps = [.. reports.SelectMany(r => Enumerable.Range(0, r.Steps).Select(i => new Step(r.Writer, i, !r.Unknown.Contains(i))))];

        for (var d = 0; d < objects.Dicts.Length; d++)
        {
            var held = (await objects.Dicts[d].ItemsAsync()).ToDictionary(p => p.Key, p => p.Value);
            foreach (var step in steps.Where(s => s.Number % objects.Dicts.Length == d))
            {
                if (held.Remove(step.Key, out var value)) Assert.True(value == step.Number, $"dict {d}: key {step.Key} holds {value} {because}");
                else Assert.False(step.Acknowledged, $"dict {d}: the acknowledged write of key {step.Key} is lost {because}");
            }
            Assert.True(held.Count == 0, $"dict {d} holds keys no writer wrote: {string.Join(", ", held.Keys.Take(10))} {because}");
        }

        // Every SideEvery-th step appended, incremented the Value and the Counter, and put on the queue.
        var sides = steps.Where(s => s.Number % ManagerFailoverTargets.SideEvery == 0).ToList();
        foreach (var report in reports)
        {
            var list = objects.Lists[report.Writer].ToList();
            var mine = sides.Where(s => s.Writer == report.Writer).ToList();
            var maybe = mine.Where(s => !s.Acknowledged).Select(s => s.Number).ToHashSet();
            var ordered = list.Zip(list.Skip(1)).Count(p => p.First >= p.Second) == 0;
            Assert.True(ordered, $"list {report.Writer} is out of order or holds an append twice {because}");
            List<int> expected = [.. mine.Where(s => s.Acknowledged).Select(s => s.Number)];
            List<int> sure = [.. list.Where(i => !maybe.Contains(i))];
            var same = expected.Zip(sure).TakeWhile(p => p.First == p.Second).Count();
            Assert.True(same == expected.Count && same == sure.Count,
                $"list {report.Writer}: {expected.Count} acknowledged appends, {sure.Count} items of them (and {list.Count - sure.Count} of unknown steps); first difference at {same} {because}");
        }

        var acknowledged = sides.Count(s => s.Acknowledged);
        var unknown = sides.Count - acknowledged;
        foreach (var (what, count) in new[] { ("value", objects.Value.Value), ("counter", objects.Counter.Call(c => c.Get())) })
            Assert.True(count >= acknowledged && count <= acknowledged + unknown,
                $"the {what} is {count}: {acknowledged} acknowledged increments, {unknown} of unknown outcome {because}");

        var twice = dequeued.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"the queue delivered twice: {string.Join(", ", twice.Take(20))} {because}");
        var puts = sides.ToDictionary(s => s.Key, s => s.Acknowledged);
        var strangers = dequeued.Where(k => !puts.ContainsKey(k)).ToList();
        Assert.True(strangers.Count == 0, $"the queue delivered items never put: {string.Join(", ", strangers.Take(20))} {because}");
        var delivered = dequeued.ToHashSet();
        var missing = puts.Where(p => p.Value && !delivered.Contains(p.Key)).Select(p => p.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged puts are lost: {string.Join(", ", missing.Take(20))} {because}");
    }
}
