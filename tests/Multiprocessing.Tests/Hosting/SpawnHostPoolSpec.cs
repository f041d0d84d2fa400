using Akka.Actor;
using Multiprocessing.Hosting;
using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Messages.Processes;

namespace Multiprocessing.Tests.Hosting;

/// <summary>The registry's spawn hosts as a plain state: which hosts it says to launch, and where a process goes.</summary>
public sealed class SpawnHostPoolSpec
{
    private static readonly int Cores = Environment.ProcessorCount;

    private static RunProcess Run() => new(Guid.NewGuid(), "Process-1", [1], ActorRefs.Nobody);

    private static RegisteredHost Host(string name) => new(name, 4242, ActorRefs.Nobody, null);

    [Fact]
    public void Spares_are_launched_at_most_one_per_core_at_a_time_and_the_next_once_one_is_ready()
    {
        var pool = new SpawnHostPool(new SpareTarget(Cores + 2, Cores + 2), spareReadyWhenConnected: false, new ReadySpares());
        pool.EnableSpares();

        var first = pool.ToLaunch();
        Assert.Equal(Cores, first.Count);
        Assert.Empty(pool.ToLaunch()); // every core has a host starting

        Assert.Null(pool.Registered(Host(first[0])));
        Assert.Single(pool.ToLaunch()); // one is ready: one more starts
        Assert.Empty(pool.ToLaunch());
    }

    [Fact]
    public void A_process_with_no_spare_is_bound_to_the_oldest_starting_host_and_past_them_gets_one_launched_whatever_is_starting()
    {
        var pool = new SpawnHostPool(new SpareTarget(Cores, Cores), spareReadyWhenConnected: false, new ReadySpares());
        pool.EnableSpares();
        var starting = pool.ToLaunch();

        var bound = pool.Take(Run());
        Assert.Equal((null, starting[0], false), (bound.Ready, bound.Launching, bound.Launch));

        for (var i = 1; i < starting.Count; i++) pool.Take(Run());
        var beyond = pool.Take(Run());
        Assert.True(beyond.Launch, "a process with every starting host taken waits for a host of its own, not for a launch slot");
        Assert.DoesNotContain(beyond.Launching, starting);
    }

    [Fact]
    public void A_host_that_exited_while_starting_is_no_spare_when_its_registration_is_read_after_its_exit()
    {
        var pool = new SpawnHostPool(new SpareTarget(1, 1), spareReadyWhenConnected: false, new ReadySpares());
        pool.EnableSpares();
        var host = pool.ToLaunch().Single();

        Assert.True(pool.IsStarting(host));
        Assert.Null(pool.Exited(host));
        Assert.False(pool.IsStarting(host));
        Assert.True(pool.DiedBeforeRegistering(host)); // the registry drops its registration
        Assert.False(pool.DiedBeforeRegistering(host)); // once

        var notLaunched = pool.ToLaunch().Single();
        Assert.Null(pool.NotLaunched(notLaunched));
        Assert.False(pool.DiedBeforeRegistering(notLaunched)); // no registration can follow: nothing kept
    }
}
