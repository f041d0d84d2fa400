using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Security;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Security;

/// <summary>
/// The positive control of <see cref="ForeignSystemTests"/>: the same messages, from a system
/// that holds the cluster's credentials, join, run code on a worker and through the coordinator,
/// get direct-link offers, shut a worker down and down another. What the strangers could not do
/// is what the credentials alone allow.
/// </summary>
[Collection(ClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ForeignSystemControlTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_the_cluster_credentials_the_same_messages_join_run_code_get_offers_shut_down_and_down_nodes()
    {
        using var auth = new AuthFile();
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 2, AuthFile = auth.Path, Config = "multiprocessing.spawn.spares = 1" });
        var cluster = Cluster.Get(mp.Runtime.System);
        var coordinator = cluster.SelfAddress;
        var workers = cluster.State.Members.Where(m => m.HasRole("worker")).Select(m => m.Address).ToList();
        var markers = Directory.CreateTempSubdirectory("mp-foreign-").FullName;
        await using var insider = new ForeignSystem(ClusterCredentials.FromFile(auth.Path));

        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(insider.System).RegisterOnMemberUp(() => joined.TrySetResult());
        Cluster.Get(insider.System).Join(insider.InScheme(coordinator));
        await joined.Task.WaitAsync(Patience);
        Assert.True(await insider.AssociatedAsync(Patience));

        insider.Select(workers[0], "mp-agent").Tell(insider.Run(Path.Combine(markers, "agent")), insider.Replies);
        insider.Select(coordinator, "mp-hosts").Tell(new PlaceProcess(insider.Run(Path.Combine(markers, "spawn")), Spawn: true), insider.Replies);
        insider.Select(coordinator, "mp-hosts").Tell(new PlaceProcess(insider.Run(Path.Combine(markers, "actor")), Spawn: false), insider.Replies);
        foreach (var node in new[] { coordinator, workers[0] })
        {
            var offer = await insider.Select(node, "mp-direct").Ask<DirectLinkOffer>(new DirectLinkQuery(), Patience);
            Assert.NotNull(offer.Host);
        }
        foreach (var marker in new[] { "agent", "spawn", "actor" })
            Assert.True(OsProcesses.WaitUntil(() => File.Exists(Path.Combine(markers, marker)), Patience), $"the {marker} route ran nothing");

        var workerPids = OsProcesses.WorkersWith(mp.Address + " --name worker-");
        Assert.Equal(2, workerPids.Count);
        insider.Select(workers[0], "mp-agent").Tell(ShutdownHost.Instance, insider.Replies);
        Cluster.Get(insider.System).Down(insider.InScheme(workers[1]));
        Assert.True(OsProcesses.WaitUntil(() => workerPids.All(pid => !OsProcesses.IsAlive(pid)), Patience),
            "the worker told to shut down, and the worker downed, still run");
        Directory.Delete(markers, recursive: true);
    }
}
