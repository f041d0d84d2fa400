using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Multiprocessing.Direct;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Tests.Direct;

/// <summary>Two remoting actor systems in this process, nodes of one cluster: one sends over its direct channel to an actor of the other.</summary>
public sealed class DirectChannelSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly ClusterCredentials _credentials = ClusterCredentials.Create();

    public DirectChannelSpec() : base(ConfigurationFactory.ParseString(TwoSystems.Remote))
    {
    }

    private static PayloadSerializer Payloads(ActorSystem system) => PayloadSerializer.Of(system);

    private DirectDialer Dialer() => new(_credentials, TimeSpan.FromSeconds(5));

    private DirectChannel Channel(TimeSpan wait, PayloadSerializer? payloads = null) =>
        new((ExtendedActorSystem)Sys, payloads ?? Payloads(Sys), new DirectOffers(Sys, wait), Dialer(), wait, enabled: true);

    private Receiver StartReceiver(bool offersLinks)
    {
        var receiver = ActorSystem.Create("receiver", ConfigurationFactory.ParseString(TwoSystems.Remote));
        Transfers.PayloadTransfers.Get(receiver); // its end of large transfers, there before any arrives
        if (offersLinks) OfferLinks(receiver);
        // A relay in the receiving system that passes everything to this spec's test actor.
        var testActor = TestActor;
        receiver.ActorOf(Props.Create(() => new Relay(testActor)), "recipient");
        var remoteAddress = ((ExtendedActorSystem)receiver).Provider.DefaultAddress;
        return new Receiver(receiver, ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(new RootActorPath(remoteAddress) / "user" / "recipient"));
    }

    private void OfferLinks(ActorSystem receiver) =>
        receiver.ActorOf(DirectLinkActor.Props(Payloads(receiver), TwoSystems.Settings(), _credentials), ActorNames.DirectLinks);

    /// <summary>The receiving actor system, and its recipient as this spec's system sees it; disposing it ends the system.</summary>
    private sealed record Receiver(ActorSystem System, IActorRef Recipient) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Messages_take_the_link_once_it_is_up_and_all_arrive()
    {
        await using var receiver = StartReceiver(offersLinks: true);
        var recipient = receiver.Recipient;
        var channel = Channel(TimeSpan.FromSeconds(5));
        var seen = new HashSet<long>();
        long seq = 0;
        // Keep sending until messages go over the link; every one must arrive (over one route or the other).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (channel.SentDirect < 50 && DateTime.UtcNow < deadline)
        {
            await channel.Send(recipient, new PipeDeliver(seq++, [1, 2, 3]));
            seen.Add(ExpectMsg<PipeDeliver>().Seq);
        }
        Assert.Equal(50, channel.SentDirect);
        Assert.Equal(seq, seen.Count);
    }

    [Fact]
    public async Task A_node_that_offers_no_link_still_gets_every_message_over_akka()
    {
        await using var receiver = StartReceiver(offersLinks: false);
        var recipient = receiver.Recipient;
        var channel = Channel(TimeSpan.FromMilliseconds(500));
        for (var i = 0; i < 20; i++)
        {
            await channel.Send(recipient, new PipeDeliver(i, [(byte)i]));
            Assert.Equal(i, ExpectMsg<PipeDeliver>().Seq);
        }
        Assert.Equal(0, channel.SentDirect);
    }

    [Fact]
    public async Task A_node_that_was_not_listening_at_the_first_send_gets_its_link_once_it_listens()
    {
        await using var receiver = StartReceiver(offersLinks: false);
        var recipient = receiver.Recipient;
        var channel = Channel(TimeSpan.FromMilliseconds(300));
        // The first sends find no listener (the offer is not answered, so no link is dialled): they go over Akka.
        var seq = 0;
        var overAkka = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < overAkka)
        {
            await channel.Send(recipient, new PipeDeliver(seq, [1]));
            Assert.Equal(seq++, ExpectMsg<PipeDeliver>().Seq);
        }
        Assert.Equal(0, channel.SentDirect);

        OfferLinks(receiver.System);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (channel.SentDirect == 0 && DateTime.UtcNow < deadline)
        {
            await channel.Send(recipient, new PipeDeliver(seq, [1]));
            Assert.Equal(seq++, ExpectMsg<PipeDeliver>().Seq);
        }
        Assert.True(channel.SentDirect > 0, "no message took the link after the node began to listen");
    }

    [Fact]
    public async Task A_large_message_takes_the_link_whole_with_its_payload_and_its_sender()
    {
        await using var receiver = StartReceiver(offersLinks: true);
        var recipient = receiver.Recipient;
        var channel = Channel(TimeSpan.FromSeconds(5));
        var transfers = Transfers.PayloadTransfers.Get(Sys);
        transfers.UseDirectLinks(channel);
        var large = new byte[20 << 20]; // over half a frame: a transfer, not one Akka message
        Random.Shared.NextBytes(large);
        var answers = CreateTestProbe();
        // The first may go in chunks over Akka while the link comes up; the next ones take it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (var id = 1; channel.SentDirect < 2 && DateTime.UtcNow < deadline; id++)
        {
            await transfers.Tell(recipient, new QueueItems(id, [large, [7], []], [10, 11, 12]), answers.Ref).WaitAsync(TimeSpan.FromSeconds(20));
            var items = ExpectMsg<QueueItems>(TimeSpan.FromSeconds(20));
            Assert.Equal(id, items.RequestId);
            Assert.Equal(large, items.Items[0]);
            Assert.Equal([7], items.Items[1]);
            Assert.Empty(items.Items[2]);
            Assert.Equal([10L, 11, 12], items.Seqs);
            LastSender.Tell("answered", TestActor); // the sender came with it: its answer finds the probe
            answers.ExpectMsg("answered");
        }
        Assert.Equal(2, channel.SentDirect);
    }

    [Fact]
    public async Task A_message_over_what_the_far_node_reads_is_not_written_to_the_link()
    {
        await using var receiver = StartReceiver(offersLinks: true);
        var recipient = receiver.Recipient;
        // A node whose frames hold at most 1 MiB of payload (and their envelope): a 2 MiB message goes another way.
        var small = new PayloadSerializer(Sys.Serialization.FindSerializerForType(typeof(object)), 1 << 20, 512 << 10);
        var channel = Channel(TimeSpan.FromSeconds(5), small);
        AwaitCondition(() => channel.TrySendLarge(recipient, new QueueItems(1, [new byte[1000]], [1]), null), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
        Assert.Equal(1, channel.SentDirect); // the link is up
        ExpectMsg<QueueItems>();

        Assert.False(channel.TrySendLarge(recipient, new QueueItems(2, [new byte[2 << 20]], [2]), null));
        Assert.Equal(1, channel.SentDirect);
        Assert.True(channel.TrySendLarge(recipient, new QueueItems(3, [new byte[1000]], [3]), null)); // the link is still up
        Assert.Equal(3, ExpectMsg<QueueItems>().RequestId);
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef to) => ReceiveAny(message => to.Forward(message));
    }
}
