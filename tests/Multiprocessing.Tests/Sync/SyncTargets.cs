using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Sync;

/// <summary>Process targets for the synchronisation tests. Logs are bounded queues: a put returns once it landed, so their order is the order of events.</summary>
public static class SyncTargets
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static void EnterUnderLock(MpLock lk, MpQueue<string> log, int times)
    {
        var me = Mp.CurrentProcess().Name;
        for (var i = 0; i < times; i++)
            using (lk.Hold())
            {
                log.Put("enter " + me);
                log.Put("exit " + me);
            }
    }

    /// <summary>Takes the lock, says so, and holds it until <paramref name="release"/> is set (or for ever, if it never is).</summary>
    public static void HoldUntil(MpLock lk, MpEvent held, MpEvent release)
    {
        lk.Acquire();
        held.Set();
        if (release.Wait(Patience)) lk.Release();
    }

    /// <summary>Takes the lock and ends without releasing it.</summary>
    public static void AcquireAndEnd(MpLock lk) => lk.Acquire();

    public static void SayThenAcquire(MpEvent saying, MpLock lk)
    {
        saying.Set();
        lk.Acquire();
    }

    public static void TryTheRLockOfAnother(MpRLock rlock, MpQueue<string> results)
    {
        try
        {
            rlock.Release();
            results.Put("released");
        }
        catch (SynchronizationLockException)
        {
            results.Put("refused");
        }
        results.Put(rlock.Acquire(block: false) ? "acquired" : "busy");
    }

    public static void EnterUnderSemaphore(MpSemaphore sem, MpQueue<string> log, int times)
    {
        for (var i = 0; i < times; i++)
            using (sem.Hold())
            {
                log.Put("+");
                log.Put("-");
            }
    }

    public static void OverReleaseBounded(MpBoundedSemaphore sem, MpQueue<string> results)
    {
        sem.Acquire();
        sem.Release();
        try
        {
            sem.Release();
            results.Put("released");
        }
        catch (SemaphoreFullException)
        {
            results.Put("full");
        }
    }

    public static void WaitThenSet(MpEvent go, MpEvent done)
    {
        if (go.Wait(Patience)) done.Set();
    }

    /// <summary>Python's consumer: with the condition held, wait for an item, take it.</summary>
    public static void Consume(MpCondition cond, MpQueue<int> items, MpQueue<int> results, int count)
    {
        for (var i = 0; i < count; i++)
            using (cond.Hold())
            {
                if (!cond.WaitFor(() => !items.Empty(), Patience)) throw new TimeoutException("no item came");
                results.Put(items.Get());
            }
    }

    public static void PassBarrier(MpBarrier barrier, MpQueue<string> results)
    {
        try
        {
            results.Put(barrier.Wait().ToString());
        }
        catch (MpBrokenBarrierException)
        {
            results.Put("broken");
        }
    }

    /// <summary>A barrier action that travels with the barrier: it captures nothing but the queue.</summary>
    public static Action ReportAction(MpQueue<string> actions) => () => actions.Put("action by " + Mp.CurrentProcess().Name);

    public static void FailingAction() => throw new InvalidOperationException("the action failed");

    /// <summary>Once every party is there, adds 1 to <paramref name="counter"/> <paramref name="times"/> times, each a read then a write under <paramref name="lk"/>.</summary>
    public static void IncrementUnderLock(MpLock lk, MpValue<int> counter, MpBarrier start, int times)
    {
        start.Wait();
        for (var i = 0; i < times; i++)
            using (lk.Hold())
            {
                var read = counter.Value;
                Thread.Yield(); // lets another process run between the read and the write: without the lock, its increment is lost
                counter.Value = read + 1;
            }
    }

    public static void IncrementUnderSemaphore(MpSemaphore sem, MpValue<int> counter, MpBarrier start, int times)
    {
        start.Wait();
        for (var i = 0; i < times; i++)
            using (sem.Hold())
            {
                var read = counter.Value;
                Thread.Yield(); // as IncrementUnderLock
                counter.Value = read + 1;
            }
    }

    public static void AcquireReleaseMany(MpLock lk, int times)
    {
        for (var i = 0; i < times; i++)
        {
            lk.Acquire();
            lk.Release();
        }
    }

    /// <summary>Then reports how many of this process's calls were answered over a direct link.</summary>
    public static void AcquireReleaseManyThenCountDirect(MpLock lk, int times, MpQueue<long> answeredDirectly)
    {
        AcquireReleaseMany(lk, times);
        answeredDirectly.Put(Multiprocessing.Runtime.DefaultRuntime.CurrentOrOnDemand!.DirectCalls.Answered);
    }
}
