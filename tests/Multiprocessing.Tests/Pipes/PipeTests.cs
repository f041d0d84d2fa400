using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Pipes;

/// <summary>Pipes between real worker OS processes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PipeTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void A_duplex_pipe_carries_messages_both_ways_in_order(MpStartMethod method)
    {
        var (mine, theirs) = Mp.Pipe<int>();
        var echo = Mp.GetContext(method).Process(PipeTargets.Echo, theirs);
        echo.Start();
        for (var i = 0; i < 500; i++)
        {
            mine.Send(i);
            Assert.Equal(i + 1, mine.Recv());
        }
        mine.Send(-1);
        Assert.True(echo.Join(Patience));
        Assert.Equal(0, echo.ExitCode);
    }

    [Fact]
    public void A_one_way_pipe_enforces_its_direction()
    {
        var (reader, writer) = Mp.Pipe<string>(duplex: false);
        Assert.Throws<InvalidOperationException>(() => reader.Send("x"));
        Assert.Throws<InvalidOperationException>(() => writer.Recv());
        writer.Send("hello");
        Assert.Equal("hello", reader.Recv());
    }

    [Fact]
    public void Recv_after_the_peer_closed_reads_what_is_left_then_end_of_stream()
    {
        var (mine, theirs) = Mp.Pipe<string>();
        var sender = Mp.Process(PipeTargets.SendThenClose, theirs, 3);
        sender.Start();
        Assert.Equal(["m0", "m1", "m2"], new[] { mine.Recv()!, mine.Recv()!, mine.Recv()! });
        Assert.Throws<EndOfStreamException>(() => mine.Recv());
        Assert.True(mine.Poll(), "poll is true at end of stream, as in Python");
        Assert.True(sender.Join(Patience));
    }

    [Fact]
    public void A_disposed_end_is_closed_the_other_end_reads_what_was_sent_then_end_of_stream()
    {
        var (mine, theirs) = Mp.Pipe<string>();
        var sawEnd = Mp.Event();
        var sender = Mp.Process(PipeTargets.SendThenDisposeThenWait, theirs, 3, sawEnd);
        sender.Start();
        Assert.Equal(["m0", "m1", "m2"], new[] { mine.Recv()!, mine.Recv()!, mine.Recv()! });
        Assert.Throws<EndOfStreamException>(() => mine.Recv()); // while the sender still runs
        sawEnd.Set();
        Assert.True(sender.Join(Patience));
        Assert.Equal(0, sender.ExitCode);

        using (mine) { }
        Assert.Throws<InvalidOperationException>(() => mine.Send("x"));
        mine.Dispose(); // again: nothing
    }

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void The_parent_closing_its_copy_of_the_childs_end_leaves_the_child_its_own_as_in_python(MpStartMethod method)
    {
        // parent_conn, child_conn = Pipe(); Process(target=f, args=(child_conn,)).start(); child_conn.close()
        var (mine, theirs) = Mp.Pipe<string>();
        var sender = Mp.GetContext(method).Process(PipeTargets.SendThenExit, theirs, 3);
        sender.Start();
        theirs.Close();
        Assert.Throws<InvalidOperationException>(() => theirs.Send("closed here"));

        Assert.Equal(["m0", "m1", "m2"], new[] { mine.Recv()!, mine.Recv()!, mine.Recv()! });
        // The child never closed its copy: the end closes when it exits, as every copy is then closed.
        Assert.Throws<EndOfStreamException>(() => mine.Recv());
        Assert.True(sender.Join(Patience));
        Assert.Equal(0, sender.ExitCode);
    }

    [Fact]
    public async Task Recv_from_a_peer_whose_process_died_is_end_of_stream_not_a_hang()
    {
        var (mine, theirs) = Mp.Pipe<string>();
        var doomed = Mp.Process(PipeTargets.SendThenHang, theirs);
        doomed.Start();
        Assert.Equal("last words", mine.Recv());
        doomed.Kill();
        Assert.True(doomed.Join(Patience));
        await Assert.ThrowsAsync<EndOfStreamException>(() => mine.RecvAsync().WaitAsync(Patience));
        Assert.Throws<IOException>(() => mine.Send("anyone?"));
    }

    [Fact]
    public void Two_readers_on_one_end_each_get_whole_messages_exactly_once()
    {
        var (writer, shared) = Mp.Pipe<string>();
        var results = Mp.Queue<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Mp.Process(PipeTargets.Read, shared, results)).ToArray();
        foreach (var reader in readers) reader.Start();
        var sent = Enumerable.Range(0, 400).Select(i => $"message {i} " + new string('x', i % 50)).ToList();
        foreach (var message in sent) writer.Send(message);
        writer.Send("stop");
        writer.Send("stop");
        foreach (var reader in readers) Assert.True(reader.Join(Patience));

        var received = Enumerable.Range(0, sent.Count).Select(_ => results.Get(block: true, Patience)).ToList();
        Assert.Equal(sent.Order(), received.Order());
        Assert.Throws<MpQueueEmptyException>(() => results.Get(block: true, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void A_message_that_cannot_be_serialized_fails_the_send_and_a_large_one_arrives_intact()
    {
        var (mine, theirs) = Mp.Pipe<object>();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        Assert.Contains("System.Diagnostics.Process", Assert.Throws<MpSerializationException>(() => mine.Send(self)).Message);

        var (a, b) = Mp.Pipe<byte[]>();
        var echo = Mp.Process(PipeTargets.EchoBytes, b);
        echo.Start();
        var big = new byte[20 * 1024 * 1024]; // over the 16 MiB frame: in chunks
        new Random(3).NextBytes(big);
        a.SendBytes(big);
        Assert.Equal(big, a.RecvBytes());
        Assert.True(echo.Join(Patience));
        GC.KeepAlive(theirs);
    }

    [Fact]
    public async Task Poll_and_a_cancelled_recv_take_nothing()
    {
        var (mine, theirs) = Mp.Pipe<string>();
        Assert.False(mine.Poll());
        Assert.False(mine.Poll(TimeSpan.FromMilliseconds(100)));
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mine.RecvAsync(cancel.Token));
        theirs.Send("kept");
        Assert.True(mine.Poll(TimeSpan.FromSeconds(10)));
        Assert.Equal("kept", mine.Recv());
    }

    [Fact]
    public void A_closed_connection_refuses_everything()
    {
        var (mine, _) = Mp.Pipe<string>();
        mine.Close();
        Assert.Throws<InvalidOperationException>(() => mine.Send("x"));
        Assert.Throws<InvalidOperationException>(() => mine.Recv());
        Assert.Throws<InvalidOperationException>(() => mine.Poll());
    }
}
