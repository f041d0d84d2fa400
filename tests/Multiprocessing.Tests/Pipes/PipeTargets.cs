namespace Multiprocessing.Tests.Pipes;

/// <summary>Process targets for the pipe tests.</summary>
public static class PipeTargets
{
    /// <summary>Answers every number with number + 1 until it reads a negative one.</summary>
    public static void Echo(MpConnection<int> conn)
    {
        while (conn.Recv() is var x && x >= 0) conn.Send(x + 1);
    }

    public static void SendThenClose(MpConnection<string> conn, int count)
    {
        for (var i = 0; i < count; i++) conn.Send($"m{i}");
        conn.Close();
    }

    /// <summary>Sends, disposes its end, then stays alive until <paramref name="sawEnd"/> is set: the end closed by the dispose, not the exit.</summary>
    public static void SendThenDisposeThenWait(MpConnection<string> conn, int count, MpEvent sawEnd)
    {
        using (conn)
            for (var i = 0; i < count; i++) conn.Send($"m{i}");
        if (!sawEnd.Wait(TimeSpan.FromMinutes(1))) Mp.Exit(2);
    }

    public static void SendThenExit(MpConnection<string> conn, int count)
    {
        for (var i = 0; i < count; i++) conn.Send($"m{i}");
    }

    public static void SendThenHang(MpConnection<string> conn)
    {
        conn.Send("last words");
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Reads until "stop", reporting every message on <paramref name="results"/>.</summary>
    public static void Read(MpConnection<string> conn, MpQueue<string> results)
    {
        while (conn.Recv() is { } message && message != "stop") results.Put(message);
    }

    public static void EchoBytes(MpConnection<byte[]> conn) => conn.SendBytes(conn.RecvBytes());
}
