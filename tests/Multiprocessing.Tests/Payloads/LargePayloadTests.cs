using Multiprocessing.Tests.Support;
using Xunit.Abstractions;

namespace Multiprocessing.Tests.Payloads;

/// <summary>Payloads far over a remoting frame (16 MiB) between real processes: in chunks, flow-controlled, intact.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LargePayloadTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    private const int Size = 200 * 1024 * 1024;

    // Spawn only: its child is a process of its own, whose memory says what a transfer costs. The 17-20 MiB
    // tests (Pool, Queue, Pipe, Manager) cover the same chunked path to and from worker nodes.
    [Fact]
    public void A_200_MiB_pipe_message_and_queue_item_cross_processes_intact_with_the_child_s_memory_bounded()
    {
        const MpStartMethod method = MpStartMethod.Spawn;
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
        // It read one payload and made and sent another: at its peak it held a few copies of each (the bytes,
        // their serialized form, the receiving buffer, garbage not yet collected: ~1.7 GiB measured). A transfer
        // that costs several copies more (4 MiB chunks on the large-object heap did: 3.5 GiB) fails here.
        Assert.True(peak < 12L * Size, $"peak {peak:N0} bytes");
    }

    [Fact]
    public async Task A_Manager_value_over_the_frame_size_is_stored_and_read_whole_across_processes()
    {
        const int size = 20 * 1024 * 1024; // over the 16 MiB frame: Manager calls and replies in chunks
        await using var manager = await Mp.ManagerAsync();
        var d = manager.Dict<string, byte[]>();
        var mine = LargePayloadTargets.Make(size, seed: 4);
        d["mine"] = mine; // at once: the object is not located yet, and a large call must not take the shard region
        var reports = Mp.Queue<string>();
        var child = Mp.Process(LargePayloadTargets.ReadThenWrite, d, reports, size);
        child.Start();
        Assert.Equal(LargePayloadTargets.Checksum(mine), reports.Get(block: true, Patience));
        Assert.True(child.Join(Patience));
        Assert.Equal(0, child.ExitCode);
        Assert.Equal(LargePayloadTargets.Checksum(LargePayloadTargets.Make(size, seed: 5)), LargePayloadTargets.Checksum(d["theirs"]));
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
