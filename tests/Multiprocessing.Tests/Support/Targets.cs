using Akka.Event;

namespace Multiprocessing.Tests.Support;

/// <summary>Process targets the tests start in real worker processes.</summary>
public static class Targets
{
    public static void Noop()
    {
    }

    public static void PrintIdentity()
    {
        var parent = Mp.ParentProcess();
        Console.WriteLine($"name={Mp.CurrentProcess().Name} pid={Environment.ProcessId} parent={parent?.Name}:{parent?.Pid}");
    }

    /// <summary>Writes <paramref name="count"/> lines in fragments, so only line assembly makes them whole.</summary>
    public static void WriteLinesInPieces(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Console.Write("line ");
            Console.Write(i);
            Console.Write(" of ");
            Console.Write(count + "\n");
        }
    }

    public static void PrintNameAndDaemon()
    {
        var self = Mp.CurrentProcess();
        Console.WriteLine($"name={self.Name} daemon={self.Daemon}");
    }

    public static void Throw(string message) => throw new InvalidOperationException(message);

    /// <summary>Logs <paramref name="text"/> as a warning through the actor system of the node it runs on.</summary>
    public static void LogAkkaWarning(string text) => Mp.Context.Runtime.System.Log.Warning(text);

    public static void ExitWith(int code) => Mp.Exit(code);

    /// <summary>Records that it ran (a line in <paramref name="file"/>), then ends its OS process the hard way, as native code or a stray Environment.Exit would.</summary>
    public static void RecordThenEndTheOsProcess(string file, int code)
    {
        File.AppendAllText(file, "ran\n");
        Environment.Exit(code);
    }

    public static void SleepForever() => Thread.Sleep(Timeout.Infinite);

    /// <summary>Runs until it can take one item from <paramref name="gate"/> (a minute at most, so a failing test still ends).</summary>
    public static void TakeOne(MpQueue<int> gate) => gate.Get(block: true, TimeSpan.FromMinutes(1));

    public static void TakeAnything(object value) => Console.WriteLine(value);

    /// <summary>Exits with 5 if an item of <paramref name="bytes"/> is refused as over the payload limit, 0 if it could be put.</summary>
    public static void TryPutLarge(MpQueue<byte[]> queue, int bytes)
    {
        try
        {
            queue.Put(new byte[bytes]);
        }
        catch (MpSerializationException e) when (e.Message.Contains("multiprocessing.payloads.maximum-size"))
        {
            Mp.Exit(5);
        }
    }

    /// <summary>Starts a daemonic child that never ends, prints its pid, and returns: the child must be terminated with it.</summary>
    public static void StartDaemonChildAndReturn()
    {
        var child = Mp.Context.Process(SleepForever);
        child.Daemon = true;
        child.Start();
        Console.WriteLine($"daemon-pid={child.Pid}");
    }
}
