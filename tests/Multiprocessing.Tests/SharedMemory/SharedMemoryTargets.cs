using System.Text;

namespace Multiprocessing.Tests.SharedMemory;

/// <summary>Process targets for the shared_memory tests. None touches the cluster: a spawned child stays a plain OS process.</summary>
public static class SharedMemoryTargets
{
    /// <summary>Negates the first half of the block's ints, through the handle it was given.</summary>
    public static void NegateFirstHalf(MpSharedMemory shm)
    {
        var ints = shm.AsSpan<int>();
        for (var i = 0; i < ints.Length / 2; i++) ints[i] = -ints[i];
        shm.Close();
    }

    /// <summary>Attaches by name and adds 100 to the second half of the ints.</summary>
    public static void AddToSecondHalfByName(string name, int size)
    {
        using var shm = new MpSharedMemory(name);
        if (shm.Size != size) throw new InvalidOperationException($"attached {shm}, expected size {size}");
        var ints = shm.AsSpan<int>();
        for (var i = ints.Length / 2; i < ints.Length; i++) ints[i] += 100;
    }

    /// <summary>Creates the block <paramref name="name"/>, writes <paramref name="text"/> in it and ends without unlinking it.</summary>
    public static void CreateAndLeave(string name, string text)
    {
        using var shm = new MpSharedMemory(name, create: true, size: 64);
        Encoding.UTF8.GetBytes(text, shm.AsSpan());
    }

    /// <summary>Creates <paramref name="first"/> then <paramref name="second"/>, marks the second (byte 0 = 1) and waits to be killed.</summary>
    public static void CreateTwoAndWait(string first, string second)
    {
        _ = new MpSharedMemory(first, create: true, size: 16);
        var marked = new MpSharedMemory(second, create: true, size: 16);
        marked.AsSpan()[1] = 42;
        Volatile.Write(ref marked.AsSpan()[0], 1);
        Thread.Sleep(TimeSpan.FromMinutes(1)); // until killed (the test kills it at once; a minute bounds a broken test)
    }

    /// <summary>Checks the list the test made, then stores a value of another type in every item, and reads it by name too.</summary>
    public static void ChangeEveryItem(MpShareableList sl)
    {
        object?[] expected = [42L, 2.5, true, "héllo", new byte[] { 1, 2, 0, 3 }, null, -7L];
        var seen = sl.ToList();
        if (seen.Count != expected.Length || !seen.Zip(expected).All(p => p.First is byte[] a ? p.Second is byte[] b && a.SequenceEqual(b) : Equals(p.First, p.Second)))
            throw new InvalidOperationException($"the child read {MpRepr.List(seen)}");
        sl[0] = "hi";
        sl[1] = 7;
        sl[2] = null;
        sl[3] = -1.25;
        sl[4] = false;
        sl[5] = new byte[] { 9 };
        using var byName = new MpShareableList(name: sl.Shm.Name);
        byName[-1] = "x";
        sl.Dispose();
    }

    /// <summary>Makes a block through a SharedMemoryManager it never disposes, writes its name in <paramref name="mailbox"/>, and ends.</summary>
    public static void MakeThroughAManagerAndEnd(MpSharedMemory mailbox)
    {
        var manager = new MpSharedMemoryManager();
        var shm = manager.SharedMemory(8);
        Write(mailbox, shm.Name);
    }

    /// <summary>Uses a block of another host; writes what it was told in <paramref name="mailbox"/>.</summary>
    public static void UseForeign(MpSharedMemory foreign, MpSharedMemory mailbox)
    {
        try
        {
            foreign.AsSpan()[0] = 1;
            Write(mailbox, "it worked");
        }
        catch (MpSharedMemoryNotFoundException e)
        {
            Write(mailbox, e.Message);
        }
    }

    public static void Write(MpSharedMemory mailbox, string text)
    {
        var span = mailbox.AsSpan();
        span.Clear();
        Encoding.UTF8.GetBytes(text, span);
    }

    public static string Read(MpSharedMemory mailbox) => Encoding.UTF8.GetString(mailbox.AsSpan().TrimEnd((byte)0));
}
