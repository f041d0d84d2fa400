namespace Multiprocessing.Tests.Support;

/// <summary>A test class of the "cluster" collection: the shared cluster, and how long a test waits for processes.</summary>
public abstract class ClusterTest(ClusterFixture cluster)
{
    /// <summary>Bounds every wait on a process, so that a broken test fails instead of hanging.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected MpContext Mp => cluster.Mp;
}
