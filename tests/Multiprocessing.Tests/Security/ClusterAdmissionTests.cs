using System.Net;
using System.Net.Sockets;
using Multiprocessing.Tests.Pools;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Security;

/// <summary>Who gets into a cluster, as a user meets it on the command line: credentials, ports, late workers.</summary>
[Collection(ClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterAdmissionTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_late_worker_with_keygens_file_joins_a_fixed_port_coordinator_gets_pool_work_and_processes_and_no_two_processes_share_a_port()
    {
        var auth = Path.Combine(Directory.CreateTempSubdirectory("mp-keygen-").FullName, "cluster.pem");
        using (var keygen = DotnetProgram.Start("Coordinator", "keygen", auth))
            Assert.Equal(0, keygen.WaitForExit(Patience));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(auth));

        // hocon/cluster.conf's shape on loopback: a fixed port, no local worker node, spare spawn hosts.
        var port = FreePort();
        var mp = await Mp.StartAsync(new MpOptions
        {
            AuthFile = auth,
            Config = $"multiprocessing {{ workers = 0, spawn.spares = 2 }}\nakka.remote.dot-netty.tcp {{ hostname = 127.0.0.1, port = {port} }}",
        });
        DotnetProgram? late = null;
        try
        {
            await mp.WaitForSpawnSparesAsync();
            var spares = OsProcesses.WorkersWith(mp.Address + " --name spawn-");
            Assert.Equal(2, spares.Count);
            // Idle spares connect ahead after 250 ms: from then on they listen too.
            Assert.True(OsProcesses.WaitUntil(() => spares.All(pid => ListeningPorts.Of([pid]).Count > 0), Patience), "the spares never listened");

            late = DotnetProgram.Start("WorkerNode", "--seed", mp.Address, "--auth", auth, "--name", "late", "--assembly", typeof(PoolTargets).Assembly.Location);
            await mp.WaitForWorkersAsync(1, Patience);
            await using (var pool = mp.Pool())
                Assert.All(pool.Map(PoolTargets.Pid, Enumerable.Range(0, 8)), pid => Assert.Equal(late.Process.Id, pid));

            // An actor process runs on it too (the only worker node), and what it prints reaches the coordinator.
            using (var console = new ConsoleCapture())
            {
                var process = mp.GetContext(MpStartMethod.Actor).Process(Targets.PrintIdentity);
                process.Start();
                Assert.True(process.Join(Patience));
                Assert.Equal(0, process.ExitCode);
                Assert.Equal(late.Process.Id, process.Pid);
                Assert.Contains(console.OutLines, l => l.StartsWith($"name={process.Name} pid={late.Process.Id}"));
            }

            var ports = ListeningPorts.Of([Environment.ProcessId, late.Process.Id, .. spares]);
            Assert.Equal([Environment.ProcessId], ports[port]);
            Assert.All(ports, p => Assert.True(p.Value.Count == 1, $"port {p.Key} is held by {string.Join(", ", p.Value)}"));
        }
        finally
        {
            await mp.DisposeAsync();
            File.Delete(auth);
        }
        Assert.Equal(0, late!.WaitForExit(TimeSpan.FromSeconds(15)));
        late.Dispose();
    }

    [Fact]
    public void A_worker_with_other_credentials_exits_with_one_line_saying_the_cluster_refused_them()
    {
        using var other = new AuthFile();
        using var worker = DotnetProgram.Start("WorkerNode", "--seed", fixture.Mp.Address, "--auth", other.Path, "--name", "stranger");
        Assert.Equal(5, worker.WaitForExit(Patience));
        var lines = worker.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("stranger: the cluster refused this node's credentials"));
        Assert.DoesNotContain("   at ", worker.Error);
    }

    [Fact]
    public void A_worker_without_credentials_refuses_to_start_naming_auth()
    {
        using var worker = DotnetProgram.Start("WorkerNode", "--seed", fixture.Mp.Address, "--name", "bare");
        Assert.Equal(2, worker.WaitForExit(Patience));
        Assert.Contains("--auth FILE (or multiprocessing.security.auth-file)", worker.Error);
    }

    [Fact]
    public void A_worker_that_cannot_join_in_time_exits_naming_the_seed_it_tried()
    {
        using var auth = new AuthFile();
        var seed = $"akka.ssl.tcp://mp@127.0.0.1:{FreePort()}";
        using var worker = DotnetProgram.Start("WorkerNode", "--seed", seed, "--auth", auth.Path, "--name", "lonely",
            "--hocon", "multiprocessing.worker-join-timeout = 2s");
        Assert.Equal(4, worker.WaitForExit(Patience));
        Assert.Contains($"could not join the cluster at {seed} within 2 s", worker.Error);
    }

    [Fact]
    public async Task Binding_beyond_loopback_without_credentials_refuses_to_start_naming_the_key()
    {
        var config = Path.GetTempFileName();
        File.WriteAllText(config, "akka.remote.dot-netty.tcp.hostname = 0.0.0.0\nmultiprocessing.workers = 0");
        try
        {
            using var coordinator = DotnetProgram.Start("Coordinator", "demo", "processes", "--config", config);
            Assert.Equal(2, coordinator.WaitForExit(Patience));
            var line = Assert.Single(coordinator.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("multiprocessing.security.auth-file", line);
            var error = await Assert.ThrowsAsync<MpSecurityException>(() => Mp.StartAsync(new MpOptions { ConfigFile = config }));
            Assert.Equal(line.TrimEnd('\r'), error.Message);
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
