using Akka.Actor;
using Akka.Cluster;
using Multiprocessing.Security;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Security;

/// <summary>
/// A process outside the cluster, without its credentials or with others, sends the cluster's
/// own messages to its nodes: nothing is delivered, so nothing runs, nobody leaves, no offer
/// comes back. <see cref="ForeignSystemControlTests"/> shows the same messages do all of that
/// when they come with the cluster's credentials.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ForeignSystemTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("no credentials")]
    [InlineData("other credentials")]
    public async Task A_stranger_cannot_join_run_code_down_or_shut_down_a_node_or_get_a_direct_link_offer(string who)
    {
        var mp = fixture.Mp;
        var cluster = Cluster.Get(mp.Runtime.System);
        var coordinator = cluster.SelfAddress;
        var worker = cluster.State.Members.First(m => m.HasRole("worker")).Address;
        var markers = Directory.CreateTempSubdirectory("mp-foreign-").FullName;
        await using var stranger = new ForeignSystem(who == "no credentials" ? null : ClusterCredentials.Create());

        stranger.Attack(coordinator, worker, markers);

        // Nothing can be delivered before an association: a refused one means every message above was dropped.
        Assert.False(await stranger.AssociatedAsync(Patience), $"a stranger with {who} associated with the cluster");
        Assert.Empty(await RepliesOrNone(stranger));
        Assert.Empty(Directory.GetFiles(markers));
        Assert.DoesNotContain(cluster.State.Members, m => m.HasRole("foreign"));
        Assert.Contains(cluster.State.Members, m => m.Address == worker && m.Status == MemberStatus.Up);
        var stillWorks = mp.GetContext(MpStartMethod.Actor).Process(Targets.Noop);
        stillWorks.Start();
        Assert.True(stillWorks.Join(Patience));
        Assert.Equal(0, stillWorks.ExitCode);
        Directory.Delete(markers, recursive: true);
    }

    // A stranger whose handshake failed ends its own actor system (Akka.Remote's rule), maybe while it
    // is asked: it holds no replies then (and none could come without an association, asserted above).
    private static async Task<IReadOnlyList<object>> RepliesOrNone(ForeignSystem stranger)
    {
        try
        {
            return stranger.System.WhenTerminated.IsCompleted ? [] : await stranger.RepliesAsync();
        }
        catch (AskTimeoutException) when (stranger.System.WhenTerminated.Wait(Patience))
        {
            return [];
        }
    }
}
