using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.GenericHost;

/// <summary>examples/WorkerService, run as a user runs it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkerServiceExampleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public void The_worker_service_squares_each_line_on_the_pool_prints_only_that_and_leaves_no_process_when_its_input_ends()
    {
        // The command line overrides appsettings.json, as in any generic host.
        using var service = DotnetProgram.Start("WorkerService", "--Multiprocessing:Workers=1");
        service.Process.StandardInput.WriteLine("1 2 x 3");
        Assert.True(OsProcesses.WaitUntil(() => service.Output.Contains("1 4 9"), Patience), $"no squares. Error:\n{service.Error}");
        var hosts = OsProcesses.ChildrenOf(service.Process.Id);
        Assert.NotEmpty(hosts);

        service.Process.StandardInput.Close(); // the end of the input stops the host
        Assert.Equal(0, service.WaitForExit(Patience));

        Assert.Equal("1 4 9", service.Output.Trim());
        Assert.Contains("Skipped 'x': not a whole number", service.Error);
        Assert.All(hosts, pid => Assert.False(OsProcesses.IsAlive(pid), $"host {pid} outlived the service"));
    }
}
