using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Direct;
using Multiprocessing.Pipes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Pipes;

/// <summary>A pipe endpoint, driven by probes standing in for its peer, its readers and the processes it moves to.</summary>
public sealed class PipeEndActorSpec() : Akka.TestKit.Xunit2.TestKit("""
    multiprocessing.pipes.dispatcher {
      type = "Multiprocessing.Runtime.InlineDispatcherConfigurator, Multiprocessing"
      executor = default-executor
    }
    """)
{
    // The probes are local: the channel tells them directly.
    private DirectChannel Direct => new((ExtendedActorSystem)Sys, PayloadSerializer.Of(Sys), new DirectOffers(Sys, TimeSpan.FromSeconds(3)),
        new DirectDialer(null, TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(3), enabled: false);

    private IActorRef Endpoint(IActorRef peer, PipeCredit? credit = null)
    {
        var endpoint = Sys.ActorOf(PipeEndActor.Props(credit ?? new PipeCredit(1 << 20), Direct, 1 << 20));
        endpoint.Tell(new PipeHandover(peer, 0, 0, [], long.MaxValue, ActorRefs.Nobody));
        return endpoint;
    }

    private static byte[] B(byte value) => [value];

    [Fact]
    public void Sends_are_numbered_and_deliveries_read_in_the_sender_s_order()
    {
        var peer = CreateTestProbe();
        var endpoint = Endpoint(peer.Ref);
        peer.ExpectMsg<PipePeerMoved>();

        endpoint.Tell(new PipeSend(B(1)));
        endpoint.Tell(new PipeSend(B(2)));
        Assert.Equal(0, peer.ExpectMsg<PipeDeliver>().Seq);
        Assert.Equal(1, peer.ExpectMsg<PipeDeliver>().Seq);

        // A delivery that took a longer road arrives late: it is still read in its place.
        endpoint.Tell(new PipeDeliver(1, B(20)));
        endpoint.Tell(new PipeDeliver(0, B(10)));
        endpoint.Tell(new PipeRecv(1, true, false));
        endpoint.Tell(new PipeRecv(2, true, false));
        Assert.Equal(B(10), ExpectMsg<PipeData>().Data);
        Assert.Equal(B(20), ExpectMsg<PipeData>().Data);
    }

    [Fact]
    public void Each_message_goes_to_exactly_one_waiting_reader_and_a_closed_peer_gives_end_of_stream()
    {
        var peer = CreateTestProbe();
        var credit = new PipeCredit(1 << 20);
        var endpoint = Endpoint(peer.Ref, credit);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        endpoint.Tell(new PipeRecv(1, true, false), first.Ref);
        endpoint.Tell(new PipeRecv(2, true, false), second.Ref);
        endpoint.Tell(new PipeDeliver(0, B(5)));
        Assert.Equal(B(5), first.ExpectMsg<PipeData>().Data);
        second.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        endpoint.Tell(new PipePeerClosed(1));
        second.ExpectMsg<PipeEof>();
        AwaitCondition(() => credit.Broken);
    }

    [Fact]
    public void A_close_that_overtakes_the_last_messages_waits_for_them()
    {
        var peer = CreateTestProbe();
        var endpoint = Endpoint(peer.Ref);
        endpoint.Tell(new PipeDeliver(0, B(1)));
        endpoint.Tell(new PipePeerClosed(3)); // took the direct link; messages 1 and 2 are still on Akka
        endpoint.Tell(new PipeRecv(1, true, false));
        endpoint.Tell(new PipeRecv(2, true, false));
        Assert.Equal(B(1), ExpectMsg<PipeData>().Data);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        endpoint.Tell(new PipeDeliver(2, B(3)));
        endpoint.Tell(new PipeDeliver(1, B(2)));
        Assert.Equal(B(2), ExpectMsg<PipeData>().Data);
        endpoint.Tell(new PipeRecv(3, true, false));
        Assert.Equal(B(3), ExpectMsg<PipeData>().Data);
        endpoint.Tell(new PipeRecv(4, true, false));
        ExpectMsg<PipeEof>();
    }

    [Fact]
    public void The_end_moves_to_the_process_that_uses_it_and_comes_back_when_it_ends()
    {
        var peer = CreateTestProbe();
        var origin = Endpoint(peer.Ref);
        peer.ExpectMsg<PipePeerMoved>();
        origin.Tell(new PipeDeliver(0, B(1)));

        var moved = Sys.ActorOf(PipeEndActor.Props(new PipeCredit(1 << 20), Direct, 1 << 20));
        origin.Tell(new PipeRelocate(moved));

        // The peer now talks to the new endpoint directly; the message received before the move came along.
        Assert.Equal(moved, peer.ExpectMsg<PipePeerMoved>().NewEndpoint);
        moved.Tell(new PipeRecv(1, true, false));
        Assert.Equal(B(1), ExpectMsg<PipeData>().Data);
        moved.Tell(new PipeSend(B(9)));
        Assert.Equal(new PipeDeliver(0, B(9)).Seq, peer.ExpectMsg<PipeDeliver>(d => d.Data[0] == 9).Seq);

        // A reader that still knows the origin is served by the new owner.
        moved.Tell(new PipeDeliver(1, B(2)));
        origin.Tell(new PipeRecv(2, true, false));
        Assert.Equal(B(2), ExpectMsg<PipeData>().Data);

        // The process ends: the end, and what it held, goes back to the origin.
        moved.Tell(new PipeDeliver(2, B(3)));
        moved.Tell(new PipeEndActor.ReturnEnd());
        ExpectMsg<PipeReturned>();
        // What its readers received goes to the writer before the end moves, so the writer's room is not lost with it.
        Assert.Equal(2, peer.ExpectMsg<PipeConsumed>().Bytes);
        Assert.Equal(origin, peer.ExpectMsg<PipePeerMoved>().NewEndpoint);
        origin.Tell(new PipeRecv(3, true, false));
        Assert.Equal(B(3), ExpectMsg<PipeData>().Data);
    }

    [Fact]
    public void A_cancelled_recv_takes_nothing()
    {
        var peer = CreateTestProbe();
        var endpoint = Endpoint(peer.Ref);
        endpoint.Tell(new PipeRecv(1, true, false));
        endpoint.Tell(new CancelRequest(1));
        ExpectMsg<RequestCancelled>();
        endpoint.Tell(new PipeDeliver(0, B(7)));
        endpoint.Tell(new PipeRecv(2, false, true));
        Assert.True(ExpectMsg<PipeReady>().Ready);
    }
}
