using Multiprocessing.Runtime;
namespace Multiprocessing.Tests.Managers;

/// <summary>A user type registered with a Manager: its state lives in the Manager, its methods run there.</summary>
public sealed class Counter
{
    public int Value { get; set; }

    public int Add(int amount) => Value += amount;

    public int Get() => Value;

    public void Fail(string why) => throw new CounterException(why);
}

public sealed class CounterException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Process targets for the Manager tests.</summary>
public static class ManagerTargets
{
    /// <summary>Writes n keys one at a time, then reports how many calls this process made over a direct link.</summary>
    public static void WriteOneAtATime(MpDict<int, int> d, int n, MpQueue<long> answeredDirectly)
    {
        for (var i = 0; i < n; i++) d[i] = i;
        answeredDirectly.Put(DefaultRuntime.CurrentOrOnDemand!.DirectCalls.Answered);
    }

    public static void FillAndReverse(MpDict<object, object?> d, MpList<int> l)
    {
        d[1] = "1";
        d["2"] = 2;
        d[0.25] = null;
        l.Reverse();
    }

    /// <summary>Reports, as text on <paramref name="results"/>, the kind of exception each misuse throws here.</summary>
    public static void ReportErrors(MpDict<string, int> d, MpList<int> l, MpNamespace ns, MpQueue<string> results)
    {
        Report(results, () => _ = d["missing"]);
        Report(results, () => _ = l[99]);
        Report(results, () => l.Remove(12345));
        Report(results, () => ns.Get<int>("missing"));
    }

    public static void ReportCounterError(MpProxy<Counter> counter, MpQueue<string> results) =>
        Report(results, () => counter.Call(c => c.Fail("boom")));

    private static void Report(MpQueue<string> results, Action action)
    {
        try
        {
            action();
            results.Put("no exception");
        }
        catch (Exception e)
        {
            results.Put($"{e.GetType().Name}: {e.Message}");
        }
    }

    public static void CountUp(MpProxy<Counter> counter, MpDict<string, int> d, int times)
    {
        for (var i = 0; i < times; i++)
        {
            counter.Call(c => c.Add(1));
            d[$"{Mp.CurrentProcess().Name}-{i}"] = i;
        }
    }

    public static void SetFirst(MpArray<double> a) => a[0] = 1;

    public static void SetOnNamespace(MpNamespace ns)
    {
        dynamic dyn = ns;
        dyn.x = 42;
        ns.Set("name", Mp.CurrentProcess().Name);
    }

    /// <summary>Gets a dict through a queue and writes to it.</summary>
    public static void WriteToTheDictReceived(MpQueue<MpDict<string, string>> mailbox)
    {
        var d = mailbox.Get()!;
        d["from"] = Mp.CurrentProcess().Name;
    }

    public static void UseAfterDispose(MpDict<string, int> d, MpQueue<string> results)
    {
        Report(results, () => d["x"] = 1);
    }

    /// <summary>
    /// Writes key i = i into dicts[i % n] until <paramref name="stop"/> holds an item, then reports
    /// how many writes were acknowledged; every one of them must be there afterwards.
    /// </summary>
    public static void WriteUntilStopped(MpDict<int, int>[] dicts, MpQueue<int> stop, MpQueue<int> acknowledged)
    {
        var i = 0;
        while (true)
        {
            if (i % 50 == 0 && !stop.Empty()) break;
            if (i > 0 && i % 500 == 0) acknowledged.Put(-i); // progress (negative): every dict has been written to
            dicts[i % dicts.Length][i] = i;
            i++;
        }
        acknowledged.Put(i);
    }

    public static void ProduceOnManagerQueue(MpQueue<string> queue, int count)
    {
        for (var i = 0; i < count; i++) queue.Put($"{Mp.CurrentProcess().Name}:{i}");
    }

    public static void WorkThrough(MpJoinableQueue<int> tasks, MpList<int> done, int count)
    {
        for (var i = 0; i < count; i++)
        {
            done.Append(tasks.Get() * 10);
            tasks.TaskDone();
        }
    }

    public static void IncrementUnderLock(MpLock lk, MpDict<string, int> d, int times)
    {
        for (var i = 0; i < times; i++)
            using (lk.Hold())
                d["n"] = d["n"] + 1;
    }

    public static void WaitForEventThenMeetAtBarrier(MpEvent go, MpBarrier barrier, MpList<string> log)
    {
        if (!go.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("the event was never set");
        log.Append("went");
        barrier.Wait(TimeSpan.FromSeconds(60));
        log.Append("met");
    }

    public static void AddUnderValueLock(MpValue<int> counter, MpArray<double> arr, int times)
    {
        for (var i = 0; i < times; i++)
            using (counter.GetLock().Hold())
                counter.Value += 1;
        arr[^1] = 9.5;
    }

    public static void NotifyWhenReady(MpCondition ready, MpNamespace ns)
    {
        using (ready.Hold())
        {
            ns.Set("ready", true);
            ready.NotifyAll();
        }
    }
}
