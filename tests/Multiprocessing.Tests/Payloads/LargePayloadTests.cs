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
        var receiving = long.Parse(reports.Get(block: true, Patience)!, System.Globalization.CultureInfo.InvariantCulture);

        var got = queue.Get(block: true, Patience)!;
        Assert.Equal(Size, got.Length);
        Assert.Equal(LargePayloadTargets.Checksum(LargePayloadTargets.Make(Size, seed: 2)), LargePayloadTargets.Checksum(got));

        var peak = long.Parse(reports.Get(block: true, Patience)!, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"{method}: receiving grew the child's memory by {receiving / (1 << 20)} MiB; its peak {peak / (1 << 20)} MiB");
        Assert.True(child.Join(Patience));
        Assert.Equal(0, child.ExitCode);
        // Receiving took the bytes read off the link and the array handed to the child's code: twice the payload, plus the
        // runtime's own growth meanwhile, which swings with when its collections run on a busy machine: 420-530 MiB for
        // 200 MiB in most runs, 638 MiB once in a clean-clone CI run (a 2.5x bound failed one CI run in two). Two more
        // copies fail here; the peak bound below holds the rest.
        Assert.True(receiving < 3.5 * Size, $"receiving took {receiving:N0} bytes");
        // Then it made a payload and sent it (the array and its serialized form), before the garbage of the first
        // was collected: ~0.93 GiB measured in all. A transfer that costs copies more fails here.
        Assert.True(peak < 6L * Size, $"peak {peak:N0} bytes");
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
    public void Large_items_lent_to_consumers_killed_mid_transfer_go_to_the_others_intact_and_none_arrives_twice()
    {
        const int Items = 9, Kills = 3, ItemSize = 10 * 1024 * 1024; // each over half a frame: every get is a transfer
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var folder = Directory.CreateTempSubdirectory("mp-large-kills-").FullName;
        var queue = Mp.Queue<byte[]>();
        var live = new List<(MpProcess Process, string Record)>();
        var records = new List<string>();
        void StartConsumer()
        {
            var record = Path.Combine(folder, $"consumer-{records.Count}.txt");
            records.Add(record);
            var process = Mp.Process(LargePayloadTargets.RecordUntilEmpty, queue, record);
            process.Start();
            live.Add((process, record));
        }
        int Recorded(string record) => File.Exists(record) ? File.ReadAllLines(record).Length : 0;
        StartConsumer();
        StartConsumer();

        for (var kill = 0; kill < Kills; kill++)
        {
            for (var i = kill * Items / Kills; i < (kill + 1) * Items / Kills; i++) queue.Put(LargePayloadTargets.Make(ItemSize, i));
            // A random victim, once it has recorded none to two items and a random moment more: while an item is on
            // its way to it (a transfer takes ~0.1 s), between two, or while it waits.
            var (victim, record) = live[random.Next(live.Count)];
            var recorded = random.Next(0, 3);
            OsProcesses.WaitUntil(() => Recorded(record) >= recorded, TimeSpan.FromSeconds(5));
            Thread.Sleep(random.Next(0, 200)); // a random moment, not a wait for anything
            victim.Kill();
            Assert.True(victim.Join(Patience));
            live.RemoveAll(l => l.Process == victim);
            StartConsumer();
        }
        KilledConsumers.EndAll(queue, [.. live.Select(l => l.Process)], [], Patience);
        var taken = new List<int>();
        foreach (var item in KilledConsumers.TakeWhatCameBack(queue, item => item.Length == 0, Patience))
        {
            Assert.Equal(LargePayloadTargets.Checksum(LargePayloadTargets.Make(ItemSize, LargePayloadTargets.SeedOf(item))), LargePayloadTargets.Checksum(item));
            taken.Add(LargePayloadTargets.SeedOf(item));
        }

        var lines = records.Where(File.Exists).SelectMany(File.ReadAllLines).ToList();
        Assert.DoesNotContain(lines, l => l.StartsWith("BAD", StringComparison.Ordinal));
        KilledConsumers.AssertEachOnce([.. lines.Select(int.Parse), .. taken], Items, Kills, taken.Count, output);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_Pool_function_that_captures_10_MiB_runs_every_chunk()
    {
        // The first chunk a worker gets carries the function: over half a frame it goes in pieces, and the worker's
        // next chunk, small, gets there first; it must wait for its function, not fail without it.
        var captured = new byte[10 * 1024 * 1024];
        using var pool = Mp.Pool();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i + captured.Length), pool.Map(i => i + captured.Length, Enumerable.Range(0, 12), chunksize: 1));
    }

    [Fact]
    public async Task A_writer_whose_end_was_held_by_another_process_meanwhile_is_not_held_back_by_what_was_read_then()
    {
        const int MiB = 1024 * 1024;
        var (reader, writer) = Mp.Pipe<byte[]>(duplex: false);
        for (var i = 0; i < 10; i++) writer.SendBytes(new byte[MiB]);
        var (holding, done) = (Mp.Event(), Mp.Event());
        var holder = Mp.Process(LargePayloadTargets.SendOneThenHold, writer, holding, done);
        holder.Start();
        Assert.True(holding.Wait(Patience));
        // Read while the other process holds the writing end: what the reader received is reported to that process.
        for (var i = 0; i < 10; i++) Assert.Equal(MiB, reader.RecvBytes().Length);
        Assert.Equal([1], reader.RecvBytes());
        done.Set();
        Assert.True(holder.Join(Patience));

        // The end is back here: 10 MiB counted before it left must not hold a 7 MiB send (16 MiB limit) for ever.
        await Task.Run(() => writer.SendBytes(new byte[7 * MiB])).WaitAsync(Patience);
        Assert.Equal(7 * MiB, reader.RecvBytes().Length);
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
