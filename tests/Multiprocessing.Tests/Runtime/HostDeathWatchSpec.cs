using Akka.Actor;
using Akka.Configuration;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// The death watch that hears a host announced gone, between two actor systems of this process
/// over loopback remoting (the "other host" stays alive: only the announcement can make its actors dead).
/// </summary>
public sealed class HostDeathWatchSpec() : Akka.TestKit.Xunit2.TestKit(Remote)
{
    private static readonly Config Remote = ConfigurationFactory.ParseString(
        "akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }");

    /// <summary>Watches the actors it is sent and reports to <paramref name="report"/> each one it must take for dead.</summary>
    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef report)
        {
            var deaths = new HostDeathWatch(Context);
            Receive<IActorRef>(deaths.Watch);
            Receive<HostGone>(host => deaths.Gone(host).ToList().ForEach(a => report.Tell(a)));
            Receive<HostDeathWatch.AlreadyGone>(gone => report.Tell(gone.Actor));
            Receive<Terminated>(t => deaths.Terminated(t.ActorRef));
        }
    }

    [Fact]
    public void An_actor_of_a_host_announced_gone_is_reported_at_once_when_watched_again_and_a_new_actor_at_that_address_is_not()
    {
        using var other = ActorSystem.Create("other", Remote);
        var address = ((ExtendedActorSystem)other).Provider.DefaultAddress;
        var token = Resolve(other.ActorOf(Props.Empty, "token"), address);
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor)));

        watcher.Tell(token);
        watcher.Tell(new Identify(null)); // through its mailbox after the watch: it has subscribed to HostGone
        ExpectMsg<ActorIdentity>();
        Sys.EventStream.Publish(new HostGone(address.ToString()));
        Assert.Equal(token, ExpectMsg<IActorRef>());

        // A message the dead process sent before it died makes the watcher watch its actor again.
        watcher.Tell(token);
        Assert.Equal(token, ExpectMsg<IActorRef>(TimeSpan.FromSeconds(3)));

        // Another actor at the same address (a new host may take a dead one's port) is alive.
        var newcomer = Resolve(other.ActorOf(Props.Empty, "newcomer"), address);
        watcher.Tell(newcomer);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    private IActorRef Resolve(IActorRef local, Address at) =>
        Sys.ActorSelection(local.Path.ToStringWithAddress(at)).ResolveOne(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
}
