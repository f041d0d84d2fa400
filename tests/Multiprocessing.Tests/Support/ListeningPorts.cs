using System.Globalization;

namespace Multiprocessing.Tests.Support;

/// <summary>The TCP ports processes listen on, as Linux tells them (/proc/net/tcp{,6} and each process's socket descriptors).</summary>
public static class ListeningPorts
{
    /// <summary>Each listening port of <paramref name="pids"/>, with the processes that hold a listening socket on it.</summary>
    public static IReadOnlyDictionary<int, IReadOnlySet<int>> Of(IEnumerable<int> pids)
    {
        var portOfInode = new Dictionary<string, int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] != "0A") continue; // TCP_LISTEN
                var port = int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                portOfInode[fields[9]] = port;
            }
        }
        var holders = new Dictionary<int, HashSet<int>>();
        foreach (var pid in pids)
        {
            foreach (var inode in SocketInodes(pid))
            {
                if (!portOfInode.TryGetValue(inode, out var port)) continue;
                if (!holders.TryGetValue(port, out var set)) holders[port] = set = [];
                set.Add(pid);
            }
        }
        return holders.ToDictionary(h => h.Key, h => (IReadOnlySet<int>)h.Value);
    }

    private static IEnumerable<string> SocketInodes(int pid)
    {
        string[] descriptors;
        try { descriptors = Directory.GetFiles($"/proc/{pid}/fd"); }
        catch (IOException) { yield break; } // the process is gone
        foreach (var fd in descriptors)
        {
            string? target;
            try { target = new FileInfo(fd).LinkTarget; }
            catch (IOException) { continue; } // closed meanwhile
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) yield return target[8..^1];
        }
    }
}
