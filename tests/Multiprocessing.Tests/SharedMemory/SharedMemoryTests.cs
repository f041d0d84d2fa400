using System.Text.RegularExpressions;
using Multiprocessing.SharedMemory;
using Multiprocessing.Tests.Support;
using Multiprocessing.Values;

namespace Multiprocessing.Tests.SharedMemory;

/// <summary>
/// Python's shared_memory across real spawned processes: blocks made, attached, closed and unlinked; the resource
/// tracker that removes a killed creator's blocks once no process has them open; ShareableList; SharedMemoryManager.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedMemoryTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private static readonly TimeSpan Removal = TimeSpan.FromSeconds(10);

    private static string NewName() => $"psm_test_{Guid.NewGuid():N}";

    private static bool Exists(string name) => File.Exists(Path.Combine(ShmFiles.Folder, name));

    private static string Record(string name) => Path.Combine(ShmFiles.Folder, "mp-shm-owner." + name);

    private static void StartAndJoin(params MpProcess[] processes)
    {
        foreach (var process in processes) process.Start();
        foreach (var process in processes)
        {
            Assert.True(process.Join(Patience), $"{process.Name} did not end");
            Assert.Equal(0, process.ExitCode);
        }
    }

    [Fact]
    public void Children_write_a_block_through_its_handle_and_by_its_name_and_a_childs_block_outlives_it_until_unlinked()
    {
        using var shm = Mp.SharedMemory(create: true, size: 64);
        Assert.Matches(new Regex("^psm_[0-9a-f]{8}$"), shm.Name);
        Assert.Equal(64, shm.Size);
        Assert.Equal(64, shm.Buf.Length);
        Assert.Equal($"SharedMemory('{shm.Name}', size=64)", shm.ToString());
        var ints = shm.AsSpan<int>();
        for (var i = 0; i < ints.Length; i++) ints[i] = i;

        StartAndJoin(Mp.Process(SharedMemoryTargets.NegateFirstHalf, shm), Mp.Process(SharedMemoryTargets.AddToSecondHalfByName, shm.Name, 64));
        Assert.Equal([0, -1, -2, -3, -4, -5, -6, -7, 108, 109, 110, 111, 112, 113, 114, 115], shm.AsSpan<int>().ToArray());

        // A block made by a child that ended is still there for the parent (its coordinator keeps it, as Python's tracker).
        var left = NewName();
        var maker = Mp.Process(SharedMemoryTargets.CreateAndLeave, left, "made by a child");
        StartAndJoin(maker);
        var makerPid = maker.Pid!.Value;
        Assert.True(OsProcesses.WaitUntil(() => !OsProcesses.IsAlive(makerPid), Patience), "the child's OS process did not exit");
        SharedMemoryTracker.Sweep(); // its maker is gone: only the hand-over keeps it
        using (var attached = Mp.SharedMemory(left))
        {
            Assert.Equal(64, attached.Size);
            Assert.Equal("made by a child", SharedMemoryTargets.Read(attached));
            attached.Unlink();
        }
        Assert.False(Exists(left));

        shm.Close();
        shm.Close(); // again: nothing
        Assert.Throws<ObjectDisposedException>(() => shm.AsSpan());
        Assert.True(Exists(shm.Name)); // closed is not unlinked
        shm.Unlink();
        Assert.False(Exists(shm.Name));
        Assert.Contains(shm.Name, Assert.Throws<MpSharedMemoryNotFoundException>(() => shm.Unlink()).Message);
        Assert.Throws<MpSharedMemoryNotFoundException>(() => Mp.SharedMemory(shm.Name));
    }

    [Fact]
    public void Attaching_a_missing_name_creating_an_existing_one_and_bad_arguments_fail_clearly()
    {
        var missing = NewName();
        var notFound = Assert.Throws<MpSharedMemoryNotFoundException>(() => new MpSharedMemory(missing));
        Assert.Contains($"No shared memory block named '{missing}' on this host", notFound.Message);

        using var shm = new MpSharedMemory(NewName(), create: true, size: 8);
        var exists = Assert.Throws<MpSharedMemoryExistsException>(() => new MpSharedMemory("/" + shm.Name, create: true, size: 8));
        Assert.Contains($"'{shm.Name}' already exists", exists.Message);
        Assert.IsAssignableFrom<MpException>(exists);

        Assert.Throws<ArgumentOutOfRangeException>(() => new MpSharedMemory(create: true, size: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MpSharedMemory(create: true, size: -1));
        Assert.Throws<ArgumentException>(() => new MpSharedMemory());
        Assert.Throws<ArgumentException>(() => new MpSharedMemory("a/b"));
        Assert.Throws<ArgumentException>(() => new MpSharedMemory("mp-value-1", create: true, size: 8));
        shm.Unlink();
    }

    [Fact]
    public void A_killed_creators_blocks_are_removed_once_no_process_has_them_open()
    {
        string unused = NewName(), kept = NewName();
        var creator = Mp.Process(SharedMemoryTargets.CreateTwoAndWait, unused, kept);
        creator.Start();
        try
        {
            // Its record is written once the block is made (the file exists, empty, a moment before).
            Assert.True(OsProcesses.WaitUntil(() => File.Exists(Record(kept)), Patience), "the child made no block");
            using var held = new MpSharedMemory(kept);
            Assert.True(OsProcesses.WaitUntil(() => Volatile.Read(ref held.AsSpan()[0]) == 1, Patience), "the child did not finish its blocks");
            creator.Kill();
            Assert.True(creator.Join(Patience));

            // The coordinator saw its host die: the block nobody has open goes; the one held here stays, with its data.
            Assert.True(OsProcesses.WaitUntil(() => !Exists(unused), Removal), $"{unused} of the killed child is still there");
            SharedMemoryTracker.Sweep();
            Assert.True(Exists(kept));
            Assert.Equal(42, held.AsSpan()[1]);
            held.Close(); // the last process that had it open: it goes now
            Assert.False(Exists(kept));
            Assert.False(File.Exists(Record(kept)));
        }
        finally
        {
            if (creator.IsAlive) creator.Kill();
        }
    }

    [Fact]
    public void A_ShareableList_round_trips_every_type_through_a_child()
    {
        using var sl = Mp.ShareableList([42, 2.5, true, "héllo", new byte[] { 1, 2, 0, 3 }, null, -7L]);
        Assert.Equal(7, sl.Count);
        Assert.Equal("qdxxxxxxx?8s8sxxxxxx?xq", sl.Format);
        Assert.Equal($"ShareableList([42, 2.5, True, 'héllo', b'\\x01\\x02\\x00\\x03', None, -7], name='{sl.Shm.Name}')", sl.ToString());
        Assert.Equal(16 + 8 * 7 + 7 * 8 + 9 * 7, sl.Shm.Size); // CPython's size: header, offsets, items, formats, codes

        StartAndJoin(Mp.Process(SharedMemoryTargets.ChangeEveryItem, sl));

        Assert.Equal(["hi", 7L, null, -1.25, false, new byte[] { 9 }, "x"], sl.ToList());
        Assert.Equal("8sqxxxxxx?xdxxxxxxx?8s8s", sl.Format);
        Assert.Equal(-1.25, sl[-4]);
        Assert.Equal(1, sl.CountOf(7));
        Assert.Equal(1, sl.CountOf(new byte[] { 9 }));
        Assert.Equal(2, sl.IndexOf(null));
        Assert.Equal(-1, sl.IndexOf(decimal.One));
        Assert.Contains("exceeds available storage", Assert.Throws<ArgumentException>(() => sl[0] = "longer than eight").Message);
        Assert.Throws<NotSupportedException>(() => sl[0] = 1m);
        Assert.Throws<ArgumentOutOfRangeException>(() => sl[7]);
        using var notAList = NewMailbox();
        notAList.AsSpan().Fill(0xff); // a length of -1 (zeros would be a valid empty list)
        Assert.Throws<InvalidOperationException>(() => new MpShareableList(name: notAList.Name));
        notAList.Unlink();
        sl.Shm.Unlink();
    }

    [Fact]
    public void A_SharedMemoryManager_unlinks_what_it_made_when_disposed_or_when_its_process_ends()
    {
        MpSharedMemory shm;
        MpShareableList sl;
        using (var manager = Mp.SharedMemoryManager())
        {
            shm = manager.SharedMemory(64);
            sl = manager.ShareableList(["a", 1]);
            StartAndJoin(Mp.Process(SharedMemoryTargets.AddToSecondHalfByName, shm.Name, 64));
            Assert.True(Exists(shm.Name) && Exists(sl.Shm.Name));
        }
        Assert.False(Exists(shm.Name));
        Assert.False(Exists(sl.Shm.Name));
        Assert.Equal(100, shm.AsSpan<int>()[^1]); // unlinked, still mapped here until closed
        Assert.Equal("a", sl[0]);
        shm.Close();
        sl.Dispose();

        using var mailbox = NewMailbox();
        StartAndJoin(Mp.Process(SharedMemoryTargets.MakeThroughAManagerAndEnd, mailbox));
        var made = SharedMemoryTargets.Read(mailbox);
        Assert.StartsWith("psm_", made);
        Assert.False(Exists(made));
        mailbox.Unlink();
    }

    [Fact]
    public void A_block_of_another_host_fails_in_a_child_naming_that_host()
    {
        using var shm = Mp.SharedMemory(create: true, size: 8);
        var foreign = shm.AsIfMadeOn("far-away|another-boot|another-namespace|/dev/shm");
        using var mailbox = NewMailbox();

        StartAndJoin(Mp.Process(SharedMemoryTargets.UseForeign, foreign, mailbox));

        var message = SharedMemoryTargets.Read(mailbox);
        Assert.Contains($"'{shm.Name}' lives on host 'far-away'", message);
        Assert.Contains($"runs on '{Environment.MachineName}': shared memory is single-host", message);
        Assert.Equal(0, shm.AsSpan()[0]);
        Assert.Throws<MpSharedMemoryNotFoundException>(() => foreign.Unlink());
        Assert.True(Exists(shm.Name));
        mailbox.Unlink();
        shm.Unlink();
    }

    private MpSharedMemory NewMailbox() => Mp.SharedMemory(create: true, size: 512);
}
