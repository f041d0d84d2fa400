using System.Diagnostics;
using Akka.Cluster;
using Multiprocessing.Runtime;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// Calls to objects whose worker node is lost, killed or stopped (unreachable), fail with
/// <see cref="MpRemoteGoneException"/> naming the node as soon as the cluster knows, and so do the
/// gets parked on them; objects on the other node go on. Each test runs its own cluster. The Manager keeps no copy of
/// its objects here (replicas: 0): a replicated one comes back elsewhere instead (ManagerFailoverTests).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeLossTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Failure detection takes about 5 s; a killed local worker is downed by its coordinator at once.
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Calls_to_objects_on_a_killed_worker_node_fail_within_seconds_naming_it_and_wake_their_waiters()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2 });
        await using var manager = await mp.ManagerAsync(replicas: 0); // no copy: its objects are lost with their node
        await using var objects = await Objects.CreateAsync(mp, manager);

        objects.Lose(OsProcesses.Kill);

        var outcomes = objects.Dicts.Select(d => objects.Outcome(() => d[1] = 1)).ToList(); // the next call on each
        await objects.AssertLostOrAliveAsync(outcomes, "is down");
    }

    [Fact]
    public async Task Calls_to_objects_on_an_unreachable_worker_node_fail_once_it_is_found_and_work_again_once_it_is_back()
    {
        // Never downed while the test runs: what fails, fails because the node is unreachable.
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2, Config = "akka.cluster.split-brain-resolver.stable-after = 5m" });
        await using var manager = await mp.ManagerAsync(replicas: 0); // no copy: its objects are lost with their node
        await using var objects = await Objects.CreateAsync(mp, manager);
        var cluster = Cluster.Get(mp.Runtime.System);
        bool IsLostNode(Member m) => m.Roles.Contains(NodeReachability.NameRole(objects.Node.Name));

        objects.Lose(OsProcesses.Stop);
        List<MpDict<int, int>> lostDicts;
        try
        {
            // Calls on their way over the node's direct links (sockets that stay open and silent) are released.
            var outcomes = await Task.WhenAll(objects.Dicts.Select(d => Task.Run(() => objects.Outcome(() => d[1] = 1))));
            lostDicts = await objects.AssertLostOrAliveAsync(outcomes, "unreachable");

            // While it is unreachable, a call fails at once; and it is still a member (never downed).
            foreach (var d in lostDicts)
            {
                var call = Stopwatch.StartNew();
                Assert.Contains(objects.Node.Name, Assert.Throws<MpRemoteGoneException>(() => d[2] = 2).Message);
                Assert.True(call.Elapsed < TimeSpan.FromSeconds(5), $"a call to an unreachable node took {call.Elapsed}");
            }
            Assert.Contains(cluster.State.Unreachable, IsLostNode);
            Assert.Contains(cluster.State.Members, IsLostNode);

            // A put goes out from the handle's feeder: its failure comes at the next flush, once.
            foreach (var q in objects.LostQueues)
            {
                q.Put(5);
                Assert.IsType<MpRemoteGoneException>(Assert.Throws<InvalidOperationException>(q.JoinThread).InnerException);
            }
        }
        finally
        {
            OsProcesses.Continue(objects.Node.Pid);
        }

        Assert.True(OsProcesses.WaitUntil(() => !mp.Runtime.Nodes.AnyLost, Patience), "the node did not become reachable again");
        foreach (var d in lostDicts)
        {
            d[3] = 3;
            Assert.Equal(0, d[0]);
        }
        foreach (var q in objects.LostQueues)
        {
            q.Put(7); // the handle whose put failed puts again
            Assert.Equal(7, q.Get(true, Patience)); // the get that failed was settled there, not left to take it
        }
    }

    /// <summary>
    /// Manager dicts and queues, spread over both worker nodes, and a queue held by a process on one
    /// of them (the node to lose), with a get parked on every queue. Times are measured from the loss.
    /// </summary>
    private sealed class Objects : IAsyncDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly MpProcess _holder;
        private readonly Dictionary<MpQueue<int>, (Task<int> Get, Task<TimeSpan> EndedAt)> _parked = [];
        private readonly List<MpQueue<int>> _lostQueues = [];
        private TimeSpan _lostAt;

        private Objects(MpProcess holder, string node, MpQueue<int> held, MpDict<int, int>[] dicts, MpQueue<int>[] queues)
        {
            _holder = holder;
            Node = (holder.Pid!.Value, node);
            Held = held;
            Dicts = dicts;
            Queues = queues;
            foreach (var q in queues.Append(held))
            {
                var get = q.GetAsync();
                _parked[q] = (get, get.ContinueWith(_ => _clock.Elapsed, TaskScheduler.Default));
            }
        }

        public (int Pid, string Name) Node { get; }
        public MpQueue<int> Held { get; }
        public MpDict<int, int>[] Dicts { get; }
        public MpQueue<int>[] Queues { get; }

        /// <summary>The queues found lost, the held one included.</summary>
        public IReadOnlyList<MpQueue<int>> LostQueues => _lostQueues;

        public static async Task<Objects> CreateAsync(MpContext mp, MpManager manager)
        {
            var handoff = mp.Queue<HeldQueue>();
            var holder = mp.GetContext(MpStartMethod.Actor).Process(NodeLossTargets.HoldAQueue, handoff);
            holder.Start();
            var held = handoff.Get(true, Patience)!;
            var dicts = Enumerable.Range(0, 8).Select(_ => manager.Dict<int, int>()).ToArray();
            var queues = Enumerable.Range(0, 4).Select(_ => manager.Queue<int>()).ToArray();
            // Every dict answered once over a direct link: its calls go there from now on.
            var direct = mp.Runtime.DirectCalls;
            foreach (var d in dicts)
            {
                var answered = direct.Answered;
                Assert.True(OsProcesses.WaitUntil(() => { d[0] = 0; return direct.Answered > answered; }, Patience), "no direct link came up");
            }
            var objects = new Objects(holder, held.Node, held.Queue, dicts, queues);
            await Task.WhenAll(queues.Append(held.Queue).Select(q => Task.Run(q.Empty))); // every queue answered after its get: parked
            return objects;
        }

        /// <summary>Sends the node's process a signal (SIGKILL, SIGSTOP).</summary>
        public void Lose(Action<int> signal)
        {
            _lostAt = _clock.Elapsed;
            signal(Node.Pid);
        }

        public MpRemoteGoneException? Outcome(Action call)
        {
            try
            {
                call();
                return null;
            }
            catch (MpRemoteGoneException e)
            {
                e.Data["After"] = _clock.Elapsed - _lostAt;
                return e;
            }
        }

        /// <summary>
        /// Every dict call worked (its object is on the other node) or failed in time naming the lost
        /// node; so did every parked get (one on the other node gets an item); the lost node held
        /// some of the Manager's objects, not all. Returns the dicts that were lost.
        /// </summary>
        public async Task<List<MpDict<int, int>>> AssertLostOrAliveAsync(IReadOnlyList<MpRemoteGoneException?> dictOutcomes, string fate)
        {
            var lostDicts = new List<MpDict<int, int>>();
            for (var i = 0; i < Dicts.Length; i++)
            {
                if (dictOutcomes[i] is not { } gone) continue;
                AssertNamesTheNode(gone, fate);
                Assert.True((TimeSpan)gone.Data["After"]! < Detection, $"a call to a lost dict failed {gone.Data["After"]} after the loss");
                lostDicts.Add(Dicts[i]);
            }

            foreach (var q in Queues)
            {
                if (Outcome(() => q.Empty()) is { } gone)
                {
                    AssertNamesTheNode(gone, fate);
                    _lostQueues.Add(q);
                    continue;
                }
                q.Put(42);
                Assert.Equal(42, await _parked[q].Get.WaitAsync(Patience));
            }
            _lostQueues.Add(Held);
            foreach (var q in _lostQueues)
            {
                var (get, endedAt) = _parked[q];
                AssertNamesTheNode(await Assert.ThrowsAsync<MpRemoteGoneException>(() => get.WaitAsync(Patience)), fate);
                var after = await endedAt - _lostAt;
                Assert.True(after < Detection, $"a parked get woke {after} after the loss");
            }

            Assert.InRange(lostDicts.Count + _lostQueues.Count - 1, 1, Dicts.Length + Queues.Length - 1);
            return lostDicts;
        }

        private void AssertNamesTheNode(MpRemoteGoneException e, string fate)
        {
            Assert.Contains($"worker node {Node.Name} (akka.", e.Message);
            Assert.Contains(fate, e.Message);
        }

        public async ValueTask DisposeAsync()
        {
            _holder.Kill();
            await _holder.JoinAsync().WaitAsync(Patience);
        }
    }
}
