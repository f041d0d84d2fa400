using Akka.Actor;
using Akka.Configuration;
using Multiprocessing.Direct;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Tests.Direct;

/// <summary>Two remoting actor systems in this process, nodes of one cluster: this one calls actors of the other over a direct link.</summary>
public sealed class DirectCallsSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly ActorSystem _receiver;
    private readonly ClusterCredentials _credentials = ClusterCredentials.Create();

    public DirectCallsSpec() : base(ConfigurationFactory.ParseString(TwoSystems.Remote))
    {
        _receiver = ActorSystem.Create("receiver", ConfigurationFactory.ParseString(TwoSystems.Remote));
        _receiver.ActorOf(DirectLinkActor.Props(Payloads(_receiver), TwoSystems.Settings(), _credentials), ActorNames.DirectLinks);
    }

    protected override void AfterAll()
    {
        _receiver.Terminate().Wait(TimeSpan.FromSeconds(10));
        base.AfterAll();
    }

    private static PayloadSerializer Payloads(ActorSystem system) => PayloadSerializer.Of(system);

    private DirectCalls Calls(string askTimeout = "5s") =>
        new((ExtendedActorSystem)Sys, Payloads(Sys), new DirectOffers(Sys, TimeSpan.FromSeconds(5)), new DirectDialer(_credentials, TimeSpan.FromSeconds(5)),
            TwoSystems.Settings($"multiprocessing.ask-timeout = {askTimeout}"), new NodeReachability(Sys));

    // The actor as this system sees it (remote).
    private IActorRef RemoteRef(IActorRef local) =>
        ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(new RootActorPath(((ExtendedActorSystem)_receiver).Provider.DefaultAddress) / "user" / local.Path.Name);

    // The first calls find no link (its offer is on its way): nothing is sent, the caller goes over Akka.
    private static object CallOverTheLink(DirectCalls calls, IActorRef recipient, object request)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
            if (calls.TryCall(recipient, request, "a test call") is { } reply) return reply;
        throw new TimeoutException("No direct link came up.");
    }

    [Fact]
    public void A_call_is_answered_over_the_link_and_connections_are_reused()
    {
        using var calls = Calls();
        var echo = RemoteRef(_receiver.ActorOf(Props.Create(() => new Echo()), "echo"));

        var first = Assert.IsType<ObjectReturn>(CallOverTheLink(calls, echo, new ObjectCall(1, "op", [[1, 2]])));
        Assert.Equal([1, 2], first.Values[0]);
        for (var i = 2; i < 100; i++)
        {
            var reply = Assert.IsType<ObjectReturn>(calls.TryCall(echo, new ObjectCall(i, "op", [[(byte)i]]), "a test call"));
            Assert.Equal(i, reply.RequestId);
            Assert.Equal([(byte)i], reply.Values[0]);
        }
        Assert.Equal(99, calls.Answered);
    }

    [Fact]
    public void A_call_to_an_actor_that_is_gone_comes_back_undelivered_instead_of_waiting()
    {
        using var calls = Calls();
        var local = _receiver.ActorOf(Props.Create(() => new Echo()), "short-lived");
        var echo = RemoteRef(local);
        Assert.IsType<ObjectReturn>(CallOverTheLink(calls, echo, new ObjectCall(1, "op", [])));

        Watch(local);
        local.Tell(PoisonPill.Instance);
        ExpectTerminated(local);

        Assert.IsType<DirectCallUndelivered>(calls.TryCall(echo, new ObjectCall(2, "op", []), "a test call"));
    }

    [Fact]
    public void A_call_without_a_reply_times_out_and_the_next_call_is_not_answered_by_it()
    {
        using var calls = Calls(askTimeout: "1s");
        var silent = RemoteRef(_receiver.ActorOf(Props.Create(() => new Silent()), "silent"));
        var echo = RemoteRef(_receiver.ActorOf(Props.Create(() => new Echo()), "echo-after"));
        Assert.IsType<ObjectReturn>(CallOverTheLink(calls, echo, new ObjectCall(1, "op", [])));

        Assert.Throws<TimeoutException>(() => calls.TryCall(silent, new ObjectCall(2, "op", []), "a test call"));
        var reply = Assert.IsType<ObjectReturn>(calls.TryCall(echo, new ObjectCall(3, "op", []), "a test call"));
        Assert.Equal(3, reply.RequestId);
    }

    [Fact]
    public void Nothing_is_sent_to_a_node_of_this_process()
    {
        using var calls = Calls();
        var local = Sys.ActorOf(Props.Create(() => new Echo()));
        Assert.Null(calls.TryCall(local, new ObjectCall(1, "op", []), "a test call"));
        Assert.Equal(0, calls.Answered);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<ObjectCall>(call => Sender.Tell(new ObjectReturn(call.RequestId, call.Args)));
    }

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }
}
