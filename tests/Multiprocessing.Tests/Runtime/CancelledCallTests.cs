using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// Every async call takes a CancellationToken: one cancelled before the call starts throws
/// <see cref="OperationCanceledException"/> and does nothing (no unit taken or given, no item put or taken).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CancelledCallTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private static readonly CancellationToken Cancelled = new(canceled: true);

    private static Task Refused(Func<CancellationToken, Task> call) => Assert.ThrowsAnyAsync<OperationCanceledException>(() => call(Cancelled));

    // A thread of its own: an RLock is its owner thread's, and a pool thread may be the test's own.
    private static bool OnNewThread(Func<bool> attempt)
    {
        var result = false;
        var thread = new Thread(() => result = attempt());
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public async Task Events_semaphores_and_barriers_do_nothing_when_cancelled()
    {
        var ev = Mp.Event();
        await Refused(ev.SetAsync);
        Assert.False(ev.IsSet());
        ev.Set();
        await Refused(ev.ClearAsync);
        await Refused(ev.IsSetAsync);
        Assert.True(ev.IsSet());

        var sem = Mp.Semaphore(1);
        await Refused(c => sem.AcquireAsync(null, c));
        await Refused(c => sem.ReleaseAsync(1, c));
        await Refused(sem.HoldAsync);
        Assert.Equal(1, sem.GetValue());

        var barrier = Mp.Barrier(2);
        await Refused(c => barrier.WaitAsync(null, c)); // a wait cancelled once sent breaks the barrier; this one was not sent
        await Refused(barrier.AbortAsync);
        Assert.False(barrier.Broken);
        Assert.Equal(0, barrier.NWaiting);
        barrier.Abort();
        await Refused(barrier.ResetAsync);
        Assert.True(barrier.Broken);
    }

    [Fact]
    public async Task Locks_conditions_and_a_Values_lock_are_not_taken_when_cancelled()
    {
        foreach (var lk in new IMpLock[] { Mp.Lock(), Mp.RLock(), Mp.Value(0.0).GetLock() })
        {
            await Refused(c => lk.AcquireAsync(null, c));
            await Refused(lk.HoldAsync);
            // Free for another thread: nobody holds it.
            Assert.True(OnNewThread(() =>
            {
                if (!lk.Acquire(block: false)) return false;
                lk.Release();
                return true;
            }), lk.GetType().Name);
        }

        var cond = Mp.Condition();
        using (cond.Hold())
        {
            await Refused(c => cond.NotifyAsync(1, c));
            await Refused(cond.NotifyAllAsync);
            await Refused(c => cond.WaitAsync(null, c));
            await Refused(c => cond.WaitForAsync(() => true, null, c));
            Assert.False(OnNewThread(() => cond.Acquire(block: false))); // still held here
        }
    }

    [Fact]
    public async Task Queues_and_pipes_put_send_and_take_nothing_when_cancelled()
    {
        foreach (var queue in new[] { Mp.Queue<int>(), Mp.Queue<int>(maxSize: 5) })
        {
            await Refused(c => queue.PutAsync(1, c));
            queue.Put(2);
            await Refused(queue.GetAsync);
            Assert.Equal(2, queue.Get(block: true, Patience));
            Assert.True(queue.Empty());
        }

        var (left, right) = Mp.Pipe<int>();
        await Refused(c => left.SendAsync(1, c));
        left.Send(2);
        await Refused(right.RecvAsync);
        await Refused(c => right.PollAsync(null, c));
        Assert.Equal(2, right.Recv());
        Assert.False(right.Poll());
    }

    [Fact]
    public async Task Manager_calls_are_not_sent_when_cancelled()
    {
        await using var manager = await Mp.ManagerAsync();
        var d = manager.Dict<string, int>();
        var l = manager.List<int>();
        await Refused(c => d.SetAsync("a", 1, c));
        await Refused(c => d.UpdateAsync([new("b", 2)], c));
        await Refused(c => l.AppendAsync(1, c));
        Assert.Equal(0, d.Count);
        Assert.Equal(0, l.Count);
        await Refused(c => Mp.ManagerAsync(c));
    }

    [Fact]
    public Task A_start_cancelled_before_it_begins_throws() => Refused(c => Multiprocessing.Mp.StartAsync(new MpOptions { Workers = 1 }, c));
}
