using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.GenericHost;

/// <summary>The cluster in a generic host: options from IConfiguration, injectable context and pool, the host's logging, stop leaves nothing; and examples/WorkerService run as a user runs it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GenericHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_host_starts_the_cluster_it_injects_logs_its_workers_tagged_and_stopping_it_ends_every_worker()
    {
        var capture = new LogCapture();
        using var host = Build(capture, ("Workers", "1"), ("Config", "multiprocessing.spawn.spares = 0"));
        using var deadline = new CancellationTokenSource(Patience);

        // Resolved before the host starts (as in a hosted service's constructor): the cluster starts then, once.
        var early = host.Services.GetRequiredService<MpContext>();
        await host.StartAsync(deadline.Token);
        var mp = host.Services.GetRequiredService<MpContext>();
        Assert.Same(early, mp);
        var workers = OsProcesses.WorkersWith(mp.Address);
        Assert.Single(workers);

        var pool = host.Services.GetRequiredService<MpPool>();
        Assert.Same(pool, host.Services.GetRequiredService<MpPool>());
        Assert.Equal([0, 1, 4, 9], pool.Map(Square, Enumerable.Range(0, 4)));

        var marker = $"warning-from-a-worker-{Guid.NewGuid():N}";
        var process = mp.GetContext(MpStartMethod.Actor).Process(Targets.LogAkkaWarning, marker);
        process.Start();
        Assert.True(process.Join(Patience));
        Assert.True(OsProcesses.WaitUntil(() => capture.Entries.Any(e => e.Message.Contains(marker)), Patience), "the worker's warning never reached the host's logger");
        var warning = Assert.Single(capture.Entries, e => e.Message.Contains(marker));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("worker-1", warning.Properties["MpHost"]);
        Assert.Equal(process.Pid, warning.Properties["MpPid"]);
        Assert.StartsWith("Akka.", warning.Category);

        await host.StopAsync(deadline.Token);
        Assert.All(workers, pid => Assert.False(OsProcesses.IsAlive(pid), $"worker {pid} outlived the host"));
        Assert.Empty(OsProcesses.WorkersWith(mp.Address));
    }

    [Theory]
    [InlineData("Worker", "2", "Multiprocessing:Worker = 2: no such option")]
    [InlineData("Workers", "many", "Multiprocessing:Workers = many: expected a whole number")]
    [InlineData("StartMethod", "fork", "Multiprocessing:StartMethod = fork: expected Spawn or Actor")]
    public async Task A_wrong_key_or_value_in_the_section_fails_the_host_s_start_naming_it(string key, string value, string named)
    {
        using var host = Build(new LogCapture(), (key, value));
        var refused = await Assert.ThrowsAsync<MpConfigurationException>(() => host.StartAsync());
        Assert.StartsWith(named, refused.Message);
    }

    [Fact]
    public void The_worker_service_example_squares_each_line_on_the_pool_prints_only_that_and_leaves_no_process_when_its_input_ends()
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

    private static int Square(int x) => x * x;

    private static IHost Build(LogCapture capture, params (string Key, string Value)[] section)
    {
        // Empty: no appsettings.json of the test folder, no console logger.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(section.Select(s => KeyValuePair.Create($"{MpOptions.SectionName}:{s.Key}", (string?)s.Value)));
        builder.Logging.AddProvider(capture);
        builder.Services.AddMultiprocessing();
        return builder.Build();
    }
}
