namespace Multiprocessing.Tests.Managers;

/// <summary>What the failover test's writers write to: one replicated Manager's objects of every kind.</summary>
public sealed record FailoverObjects(MpDict<int, int>[] Dicts, MpList<int>[] Lists, MpValue<int> Value, MpProxy<Counter> Counter, MpQueue<int> Queue);

/// <summary>
/// How the failover test and its processes talk: queues of the coordinator, which is never killed.
/// <paramref name="Progress"/> gets one item per <see cref="ManagerFailoverTargets.ReportEvery"/> steps of a writer;
/// anything on <paramref name="Stop"/> ends the writers and the consumer; <paramref name="Failures"/> gets what made one of them fail.
/// </summary>
public sealed record FailoverSignals(MpQueue<int> Progress, MpQueue<int> Stop, MpQueue<WriterReport> Writers, MpQueue<ConsumerReport> Consumer,
    MpQueue<string> Failures);

/// <summary>A writer made steps 0..<paramref name="Steps"/>-1; those in <paramref name="Unknown"/> failed with <see cref="MpRemoteGoneException"/> (each may or may not have applied), the others were acknowledged.</summary>
public sealed record WriterReport(int Writer, int Steps, int[] Unknown);

/// <summary>What the consumer got from the Manager queue, and how many of its gets failed with <see cref="MpRemoteGoneException"/>.</summary>
public sealed record ConsumerReport(int[] Items, int Failures);

/// <summary>Process targets for the Manager failover tests (objects that survive SIGKILL of the worker node holding them).</summary>
public static class ManagerFailoverTargets
{
    /// <summary>Keys of writer w are w * Span + step.</summary>
    public const int Span = 1_000_000;

    /// <summary>A writer reports progress, and looks for the stop signal, every this many steps.</summary>
    public const int ReportEvery = 100;

    /// <summary>Every this many steps, a step also appends, increments the Value and the Counter, and puts on the queue.</summary>
    public const int SideEvery = 10;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public static int Key(int writer, int step) => writer * Span + step;

    /// <summary>
    /// Step i: dicts[i % n][Key(writer, i)] = i; every <see cref="SideEvery"/>th step also appends i to its own list,
    /// increments the Value under its lock, adds 1 to the Counter and puts Key(writer, i) on the queue (flushed: the
    /// put is acknowledged). Until told to stop; then reports its steps and those that failed with MpRemoteGoneException.
    /// </summary>
    public static void WriteThroughFailovers(FailoverObjects objects, FailoverSignals signals, int writer) =>
        Reporting(signals, $"writer {writer}", () => Write(objects, signals, writer));

    private static void Write(FailoverObjects objects, FailoverSignals signals, int writer)
    {
        var unknown = new List<int>();
        var valueLock = objects.Value.GetLock();
        var i = 0;
        for (; ; i++)
        {
            if (i > 0 && i % ReportEvery == 0)
            {
                signals.Progress.Put(writer);
                if (!signals.Stop.Empty()) break;
            }
            try
            {
                Step(objects, writer, i, valueLock);
            }
            catch (Exception e) when (IsGone(e))
            {
                unknown.Add(i);
                ReleaseIfHeld(valueLock);
            }
        }
        signals.Writers.Put(new WriterReport(writer, i, [.. unknown]));
    }

    /// <summary>Gets from the Manager queue until told to stop and a get finds it empty; reports every item it got.</summary>
    public static void ConsumeUntilStopped(MpQueue<int> queue, FailoverSignals signals) =>
        Reporting(signals, "consumer", () => Consume(queue, signals));

    // What made a writer or the consumer fail goes to the test, which shows it with the process's exit code.
    private static void Reporting(FailoverSignals signals, string who, Action body)
    {
        try
        {
            body();
        }
        catch (Exception e)
        {
            signals.Failures.Put($"{who} at {DateTime.UtcNow:HH:mm:ss.fff}: {e}");
            signals.Failures.JoinThread();
            throw;
        }
    }

    private static void Consume(MpQueue<int> queue, FailoverSignals signals)
    {
        var items = new List<int>();
        var failures = 0;
        while (true)
        {
            try
            {
                items.Add(queue.Get(block: true, TimeSpan.FromMilliseconds(200)));
                continue;
            }
            catch (MpQueueEmptyException)
            {
            }
            catch (MpRemoteGoneException)
            {
                failures++; // what the failed get had borrowed goes back at this process's end: the test takes it
            }
            if (!signals.Stop.Empty()) break;
        }
        signals.Consumer.Put(new ConsumerReport([.. items], failures));
    }

    /// <summary>
    /// Waits for the test's lock (on another thread) and, meanwhile, for an item of the queue: both are parked at
    /// their objects while the test kills the nodes that hold them. Reports "waiting", "got N", "acquired"
    /// (or "failed: ..." with what went wrong).
    /// </summary>
    public static void AwaitItemAndLock(MpQueue<int> queue, MpLock @lock, MpQueue<string> steps)
    {
        try
        {
            var locked = Task.Run(() => @lock.Acquire(block: true, timeout: Wait)); // the test holds it
            steps.Put("waiting");
            steps.Put($"got {queue.Get(block: true, Wait)}");
            if (!locked.GetAwaiter().GetResult()) throw new TimeoutException($"The lock was not granted within {Wait}.");
            steps.Put("acquired");
            @lock.Release();
        }
        catch (Exception e)
        {
            steps.Put($"failed: {e}");
            throw;
        }
    }

    private static void Step(FailoverObjects objects, int writer, int i, IMpLock valueLock)
    {
        objects.Dicts[i % objects.Dicts.Length][Key(writer, i)] = i;
        if (i % SideEvery != 0) return;
        objects.Lists[writer].Append(i);
        valueLock.Acquire();
        try
        {
            objects.Value.Value += 1;
        }
        finally
        {
            valueLock.Release();
        }
        objects.Counter.Call(c => c.Add(1));
        objects.Queue.Put(Key(writer, i));
        objects.Queue.JoinThread(); // a put to an unbounded queue goes out from a feeder: acknowledged once it is in the queue
    }

    // A call whose outcome is unknown: its node was lost while it was on its way. A feeder's failed put surfaces at the
    // next put or flush as an InvalidOperationException around it.
    private static bool IsGone(Exception e) => e is MpRemoteGoneException || e.InnerException is MpRemoteGoneException;

    // After a step of unknown outcome this thread may still hold the Value's lock (an acquire granted but not answered,
    // a release not made): releases until the lock refuses. It is an RLock: it refuses anyone but its owner, so the
    // other writer's hold is never touched.
    private static void ReleaseIfHeld(IMpLock valueLock)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                valueLock.Release();
            }
            catch (SynchronizationLockException)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
            }
        }
    }
}
