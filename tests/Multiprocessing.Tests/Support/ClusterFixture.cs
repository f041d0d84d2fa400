namespace Multiprocessing.Tests.Support;

/// <summary>One coordinator with two local worker nodes, shared by the tests of the "cluster" collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public MpContext Mp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mp = await Multiprocessing.Mp.StartAsync(new MpOptions { Workers = 2 });
        await Mp.WaitForSpawnSparesAsync();
    }

    public async Task DisposeAsync() => await Mp.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
