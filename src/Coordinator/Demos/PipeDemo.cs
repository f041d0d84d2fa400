namespace Multiprocessing.Coordinator.Demos;

/// <summary>Notebook section 3.2: Ironman and Thanos fight over a pipe until one of them is dead.</summary>
internal static class PipeDemo
{
    public static Task RunAsync(MpContext mp)
    {
        var (conn1, conn2) = mp.Pipe<object>();
        var process1 = mp.Process(Avenger, conn1);
        process1.Name = "Ironman";
        var process2 = mp.Process(Thanos, conn2);
        process2.Name = "Thanos";

        process1.Start();
        process2.Start();
        process1.Join();
        process2.Join();
        return Task.CompletedTask;
    }

    private static void Avenger(MpConnection<object> conn)
    {
        var current = Mp.CurrentProcess().Name;
        var life = 10;
        while (life > 0)
        {
            conn.Send(Random.Shared.Next(1, 3));
            if (!TakeHit(conn.Recv(), ref life, current)) break;
        }
        conn.Send($"{current} is dead!");
    }

    private static void Thanos(MpConnection<object> conn)
    {
        var current = Mp.CurrentProcess().Name;
        var life = 20;
        while (life > 0)
        {
            if (!TakeHit(conn.Recv(), ref life, current)) break;
            conn.Send(Random.Shared.Next(1, 6));
        }
        conn.Send($"{current} is dead!");
    }

    // A number is a hit; anything else is the other one's last words.
    private static bool TakeHit(object? message, ref int life, string current)
    {
        if (message is not int hit)
        {
            Console.WriteLine(message);
            return false;
        }
        life -= hit;
        Console.WriteLine($"{current} has now {life} life.");
        return true;
    }
}
