using Akka.Actor;
using Multiprocessing.Security;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Security;

/// <summary>
/// The transport alone, between actor systems of this process: a node and a peer with other
/// credentials, or none, cannot associate whichever of the two dials; two holders of the same
/// credentials can.
/// </summary>
public sealed class TlsTransportSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Strangers => new()
    {
        { "cluster", "other" }, { "other", "cluster" }, { "cluster", "none" }, { "none", "cluster" },
    };

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task A_peer_without_the_cluster_certificate_cannot_associate_in_either_direction(string dialer, string listener)
    {
        var cluster = ClusterCredentials.Create();
        ClusterCredentials? Of(string who) => who switch { "cluster" => cluster, "other" => ClusterCredentials.Create(), _ => null };
        await using var from = new ForeignSystem(Of(dialer));
        await using var to = new ForeignSystem(Of(listener));

        from.Select(Address(to), "replies").Tell("hello");

        Assert.False(await from.AssociatedAsync(Patience), $"{dialer} associated with {listener}");
        Assert.Empty(await to.RepliesAsync());
    }

    [Fact]
    public async Task Two_holders_of_the_cluster_certificate_associate()
    {
        var cluster = ClusterCredentials.Create();
        await using var from = new ForeignSystem(cluster);
        await using var to = new ForeignSystem(ClusterCredentials.FromPem(cluster.Pem));

        from.Select(Address(to), "replies").Tell("hello");

        Assert.True(await from.AssociatedAsync(Patience));
        Assert.True(OsProcesses.WaitUntil(() => to.RepliesAsync().Result.Contains("hello"), Patience));
    }

    private static Address Address(ForeignSystem system) => ((ExtendedActorSystem)system.System).Provider.DefaultAddress;
}
