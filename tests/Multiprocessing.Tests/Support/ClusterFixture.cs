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

    public async Task DisposeAsync()
    {
        // A test that failed half-way may leave children running: disposing would wait for them, as Python does.
        foreach (var child in Multiprocessing.Mp.ActiveChildren()) child.Kill();
        await Mp.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
