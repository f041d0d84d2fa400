using System.Diagnostics;
using Akka.Actor;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// A coordinator whose actor system ends under a running program (Akka.Remote ends it when a TLS handshake it started
/// fails; the cluster ends a node it downed): what waits for an answer fails with <see cref="MpRemoteGoneException"/>
/// naming why, and so does what is asked afterwards, instead of waiting for ever; disposing the context then stops
/// every host it launched at once.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeShutdownTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private sealed class Broken : CoordinatedShutdown.Reason
    {
        public override int ExitCode => 1;

        public override string ToString() => "a broken connection";
    }

    [Fact]
    public async Task Calls_waiting_when_the_coordinator_s_actor_system_ends_fail_at_once_and_so_do_later_calls()
    {
        var mp = await Mp.StartAsync(new MpOptions { Workers = 1 });
        try
        {
            await mp.WaitForSpawnSparesAsync();
            var hosts = OsProcesses.WorkersWith(mp.Address);
            Assert.NotEmpty(hosts);
            var queue = mp.Queue<int>();
            var parked = queue.GetAsync(); // nothing is ever put: it waits for an answer, with no deadline
            Assert.True(queue.Empty()); // answered: the get is with the queue by now

            await CoordinatedShutdown.Get(mp.Runtime.System).Run(new Broken());

            // The queue's actor stopped with the system: the parked get may have learnt that first.
            await Assert.ThrowsAsync<MpRemoteGoneException>(() => parked.WaitAsync(Patience));
            Assert.Contains("a broken connection", Assert.Throws<MpRemoteGoneException>(() => queue.Empty()).Message);

            var disposal = Stopwatch.StartNew();
            await mp.DisposeAsync();
            Assert.True(disposal.Elapsed < Patience, $"disposing took {disposal.Elapsed}");
            // At once: a worker would leave by itself only after coordinator-lost-timeout (5 s), a spawn host never.
            Assert.True(OsProcesses.WaitUntil(() => hosts.All(pid => !OsProcesses.IsAlive(pid)), TimeSpan.FromSeconds(2)), "a host outlived its coordinator");
        }
        finally
        {
            await mp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_through_a_disposed_context_s_objects_throw_ObjectDisposedException()
    {
        var mp = await Mp.StartAsync(new MpOptions { Workers = 0 });
        var queue = mp.Queue<int>();
        await mp.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => queue.Empty());
    }
}
