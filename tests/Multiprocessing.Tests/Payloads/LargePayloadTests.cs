using Multiprocessing.Tests.Support;
using Xunit.Abstractions;

namespace Multiprocessing.Tests.Payloads;

/// <summary>Payloads far over a remoting frame (16 MiB) between real processes: in chunks, flow-controlled, intact.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LargePayloadTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    private const int Size = 200 * 1024 * 1024;

    [Theory]
    [InlineData(MpStartMethod.Spawn)]
    [InlineData(MpStartMethod.Actor)]
    public void A_200_MiB_pipe_message_and_queue_item_cross_processes_intact(MpStartMethod method)
    {
        var (mine, theirs) = Mp.Pipe<byte[]>();
        var queue = Mp.Queue<byte[]>();
        var reports = Mp.Queue<string>();
        var child = Mp.GetContext(method).Process(LargePayloadTargets.ReceiveThenSend, theirs, queue, reports, Size);
        child.Start();

        var sent = LargePayloadTargets.Make(Size, seed: 1);
        var sentChecksum = LargePayloadTargets.Checksum(sent);
        mine.SendBytes(sent);
        sent = null;
        Assert.Equal(sentChecksum, reports.Get(block: true, Patience));

        var got = queue.Get(block: true, Patience)!;
        Assert.Equal(Size, got.Length);
        Assert.Equal(LargePayloadTargets.Checksum(LargePayloadTargets.Make(Size, seed: 2)), LargePayloadTargets.Checksum(got));

        var peak = long.Parse(reports.Get(block: true, Patience)!, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"{method}: the child's peak memory {peak / (1 << 20)} MiB");
        Assert.True(child.Join(Patience));
        Assert.Equal(0, child.ExitCode);
        // A spawn child is a process of its own. It read one payload and made and sent another: what it held at
        // its peak is a few copies of each (the bytes, their serialized form, the chunks' buffers, garbage not yet
        // collected: ~1.7 GiB measured), bounded, where keeping every chunk or copy would pass this.
        if (method == MpStartMethod.Spawn) Assert.True(peak < 12L * Size, $"peak {peak:N0} bytes");
    }

    [Fact]
    public void A_reader_that_stops_reading_blocks_its_writer_until_it_reads_again()
    {
        const int count = 64, size = 1024 * 1024; // 64 MiB sent, four times the 16 MiB a writer may be ahead
        var (reader, writer) = Mp.Pipe<byte[]>(duplex: false);
        var progress = Mp.Queue<int>();
        var child = Mp.Process(LargePayloadTargets.SendMany, writer, count, size, progress);
        child.Start();

        // The writer gets 16 MiB ahead (the default multiprocessing.pipes.unread-limit; 15 messages and their
        // envelopes), then waits: no further send returns while nothing is read (one more may, at the edge).
        while (progress.Get(block: true, Patience) < 15) { }
        var last = 15;
        try
        {
            while (true) last = progress.Get(block: true, TimeSpan.FromSeconds(2));
        }
        catch (MpQueueEmptyException)
        {
        }
        Assert.InRange(last, 15, 16);
        Assert.True(child.IsAlive);

        for (var i = 0; i < count; i++)
        {
            var message = reader.RecvBytes();
            Assert.Equal(size, message.Length);
            Assert.Equal((byte)i, message[0]);
        }
        Assert.True(child.Join(Patience));
        Assert.Equal(0, child.ExitCode);
    }
}
