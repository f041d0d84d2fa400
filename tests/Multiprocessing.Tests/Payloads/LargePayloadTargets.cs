using System.Security.Cryptography;

namespace Multiprocessing.Tests.Payloads;

/// <summary>Process targets for the large-payload tests.</summary>
public static class LargePayloadTargets
{
    /// <summary>Bytes that both sides can make from a seed, so that a checksum proves what arrived.</summary>
    public static byte[] Make(int size, int seed)
    {
        var bytes = new byte[size];
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
        for (var i = 0; i < words.Length; i++) words[i] = (uint)(i + seed) * 2654435761u; // a different word at each place
        return bytes;
    }

    /// <summary>The seed <see cref="Make"/> made <paramref name="bytes"/> from (its first word times the multiplier's inverse mod 2^32).</summary>
    public static int SeedOf(byte[] bytes) => (int)(BitConverter.ToUInt32(bytes, 0) * 244002641u);

    public static string Checksum(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    /// <summary>
    /// Reads one message from <paramref name="conn"/> and reports its checksum and how much its reading grew this
    /// process's peak memory; then puts a payload of its own on <paramref name="queue"/> and reports its peak memory.
    /// </summary>
    public static void ReceiveThenSend(MpConnection<byte[]> conn, MpQueue<byte[]> queue, MpQueue<string> reports, int size)
    {
        // The peak counts from here: the one the process's start-up left (JIT, assembly loading) would be counted as receiving's.
        File.WriteAllText("/proc/self/clear_refs", "5");
        var before = MemoryBytes("VmRSS:");
        var received = conn.RecvBytes();
        var grown = MemoryBytes("VmHWM:") - before;
        reports.Put(Checksum(received));
        reports.Put(grown.ToString(System.Globalization.CultureInfo.InvariantCulture));
        received = null;
        queue.Put(Make(size, seed: 2));
        reports.Put(MemoryBytes("VmHWM:").ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Sends <paramref name="count"/> messages of <paramref name="size"/> bytes, putting on <paramref name="progress"/> how many it sent after each.</summary>
    public static void SendMany(MpConnection<byte[]> conn, int count, int size, MpQueue<int> progress)
    {
        var message = new byte[size];
        for (var i = 0; i < count; i++)
        {
            message[0] = (byte)i;
            conn.SendBytes(message);
            progress.Put(i + 1);
        }
    }

    /// <summary>Reports the checksum of the Manager value "mine", then stores one of its own of <paramref name="size"/> bytes as "theirs".</summary>
    public static void ReadThenWrite(MpDict<string, byte[]> d, MpQueue<string> reports, int size)
    {
        reports.Put(Checksum(d["mine"]));
        d["theirs"] = Make(size, seed: 5);
    }

    /// <summary>
    /// Takes items made by <see cref="Make"/> (their seed in their first word) until an empty one, writing each
    /// one's seed to <paramref name="record"/> as soon as its code has it, or "BAD seed" if it did not arrive intact.
    /// </summary>
    public static void RecordUntilEmpty(MpQueue<byte[]> queue, string record)
    {
        while (queue.Get() is { Length: > 0 } item)
        {
            var seed = SeedOf(item);
            var intact = item.AsSpan().SequenceEqual(Make(item.Length, seed));
            File.AppendAllText(record, intact ? $"{seed}\n" : $"BAD {seed}\n");
        }
    }

    /// <summary>Sends one small message on <paramref name="conn"/> (its end moves here), sets <paramref name="holding"/>, then holds the end until <paramref name="done"/> is set.</summary>
    public static void SendOneThenHold(MpConnection<byte[]> conn, MpEvent holding, MpEvent done)
    {
        conn.SendBytes([1]);
        holding.Set();
        if (!done.Wait(TimeSpan.FromMinutes(1))) Mp.Exit(2);
    }

    /// <summary>A memory figure of this process from Linux's /proc/self/status: VmRSS (resident now) or VmHWM (its peak).</summary>
    public static long MemoryBytes(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
