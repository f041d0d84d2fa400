using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// Every blocking method is derived from its async twin in one place, which keeps it from deadlocking
/// on a thread with a <see cref="SynchronizationContext"/> (a UI thread): the async call's awaits would
/// otherwise be posted back to the thread that blocks on them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BlockingCallsTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Blocking_calls_on_a_ui_thread_return()
    {
        var ev = Mp.Event();
        var lk = Mp.RLock();
        var sem = Mp.Semaphore(2);
        var cond = Mp.Condition();
        var barrier = Mp.Barrier(1);
        var queue = Mp.JoinableQueue<int>();
        await using var manager = await Mp.ManagerAsync();
        var dict = manager.Dict<string, int>();
        var shared = manager.Value<int>(0);
        var (reader, writer) = Mp.Pipe<int>(duplex: false);

        await UiThread.Run(() =>
        {
            ev.Set();
            Assert.True(ev.IsSet());
            Assert.True(ev.Wait(Patience));
            ev.Clear();

            Assert.True(lk.Acquire());
            using (lk.Hold()) { }
            lk.Release();
            Assert.True(sem.Acquire());
            Assert.Equal(1, sem.GetValue());
            sem.Release();
            using (cond.Hold()) Assert.False(cond.Wait(TimeSpan.FromMilliseconds(10)));
            using (cond.Hold()) cond.NotifyAll();
            var ui = Environment.CurrentManagedThreadId;
            // The predicate runs on the calling thread, which holds the lock, even here.
            using (cond.Hold()) Assert.True(cond.WaitFor(() => Environment.CurrentManagedThreadId == ui, TimeSpan.FromMilliseconds(10)));
            Assert.Equal(0, barrier.Wait(Patience));

            queue.Put(7);
            Assert.Equal(7, queue.Get(block: true, Patience));
            queue.TaskDone();
            Assert.True(queue.Join(Patience));
            Assert.True(queue.Empty());

            dict["a"] = 1;
            dict.Update([new("b", 2)]);
            Assert.Equal(2, dict.Items().Count);
            shared.Value = 5;
            Assert.Equal(5, shared.Value);

            writer.Send(3);
            Assert.Equal(3, reader.Recv());
        }).WaitAsync(Patience);
    }
}
