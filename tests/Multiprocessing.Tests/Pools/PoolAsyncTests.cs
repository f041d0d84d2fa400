using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Pools;

/// <summary>The pool's async surface on the shared cluster: ImapAsync/ImapUnorderedAsync as async streams, and cancellation of every async call.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PoolAsyncTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task ImapAsync_streams_results_in_input_order()
    {
        await using var pool = Mp.Pool();
        var results = new List<int>();
        await foreach (var result in pool.ImapAsync(PoolTargets.Double, Enumerable.Range(0, 300), chunksize: 4)) results.Add(result);
        Assert.Equal(Enumerable.Range(0, 300).Select(x => x * 2), results);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.ImapAsync(PoolTargets.Double, [1], chunksize: 0)); // checked at the call
    }

    [Fact]
    public async Task ImapUnorderedAsync_hands_out_results_as_they_come_and_ImapAsync_waits_for_the_first()
    {
        await using var pool = Mp.Pool();
        var gate = Mp.Queue<int>();
        // Item 0 waits for the gate: the unordered stream goes on without it, the ordered one cannot.
        var unordered = new List<int>();
        await using (var results = pool.ImapUnorderedAsync(PoolTargets.HoldZero(gate), Enumerable.Range(0, 20)).GetAsyncEnumerator())
        {
            while (unordered.Count < 5 && await results.MoveNextAsync()) unordered.Add(results.Current);
            Assert.DoesNotContain(0, unordered);
            gate.Put(1);
            while (await results.MoveNextAsync()) unordered.Add(results.Current);
        }
        Assert.Equal(Enumerable.Range(0, 20), unordered.Order());

        await using var ordered = pool.ImapAsync(PoolTargets.HoldZero(gate), Enumerable.Range(0, 20)).GetAsyncEnumerator();
        var first = ordered.MoveNextAsync().AsTask();
        Assert.False(await Task.WhenAny(first, Task.Delay(500)) == first, "the ordered stream gave a result before item 0's");
        gate.Put(1);
        Assert.True(await first.WaitAsync(Patience));
        Assert.Equal(0, ordered.Current);
    }

    [Fact]
    public async Task ImapUnorderedAsync_never_keeps_fast_results_behind_a_slow_task_while_another_worker_could_run_them()
    {
        await using var pool = Mp.Pool();
        var gate = Mp.Queue<int>();
        using var deadline = new CancellationTokenSource(Patience);
        var results = new List<int>();
        await using (var stream = pool.ImapUnorderedAsync(PoolTargets.HoldZero(gate), Enumerable.Range(0, 200), cancellationToken: deadline.Token).GetAsyncEnumerator())
        {
            // Item 0 waits for the gate on one worker: the fast chunks queued behind it there are taken back and run on the
            // other, as Python's workers take from one queue. Without that, the stream would stall here until the deadline.
            while (results.Count < 199 && await stream.MoveNextAsync()) results.Add(stream.Current);
            Assert.Equal(Enumerable.Range(1, 199), results.Order());
            gate.Put(1);
            while (await stream.MoveNextAsync()) results.Add(stream.Current);
        }
        Assert.Equal(Enumerable.Range(0, 200), results.Order());
    }

    [Fact]
    public async Task Cancelling_an_ImapAsync_stops_the_wait_and_the_input_with_OperationCanceledException()
    {
        await using var pool = Mp.Pool();
        var started = Mp.Queue<int>();
        var gate = Mp.Queue<int>();
        using var cancel = new CancellationTokenSource();
        // No result ever comes while the gate is shut: only the cancellation ends the wait.
        var waiting = Task.Run(async () =>
        {
            await foreach (var _ in pool.ImapAsync(PoolTargets.ReportThenWait(started, gate), Enumerable.Range(0, 10), cancellationToken: cancel.Token)) { }
        });
        started.Get(true, Patience);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        for (var i = 0; i < 10; i++) gate.Put(0); // lets the tasks already sent finish

        // The token given to WithCancellation counts too; the feeder stops reading an endless input.
        using var later = new CancellationTokenSource();
        var produced = new Counter();
        var consumed = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var result in pool.ImapUnorderedAsync(PoolTargets.Double, PoolTargets.Endless(produced), chunksize: 10).WithCancellation(later.Token))
                if (++consumed == 500) later.Cancel();
        });
        Assert.Equal(500, consumed); // not the rest of the chunk at hand
        await Task.Delay(100);
        var read = Volatile.Read(ref produced.Value);
        await Task.Delay(300);
        Assert.Equal(read, Volatile.Read(ref produced.Value));

        Assert.Equal([2, 4], pool.Map(PoolTargets.Double, [1, 2])); // the pool goes on
    }

    [Fact]
    public async Task Cancelling_MapAsync_or_ApplyAsync_ends_the_result_and_sends_no_more_chunks()
    {
        await using var pool = Mp.Pool();
        var started = Mp.Queue<int>();
        var gate = Mp.Queue<int>();
        using var cancel = new CancellationTokenSource();
        var errors = new List<Exception>();
        var map = pool.MapAsync(PoolTargets.ReportThenWait(started, gate), Enumerable.Range(0, 20), chunksize: 1, errorCallback: errors.Add,
            cancellationToken: cancel.Token);
        started.Get(true, Patience);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map.Task.WaitAsync(Patience));
        Assert.IsAssignableFrom<OperationCanceledException>(Assert.Single(errors));

        // Only the chunks already handed to the workers run (chunks-in-flight-per-worker = 2, two workers).
        for (var i = 0; i < 20; i++) gate.Put(0);
        await Task.Delay(1000);
        var ran = 1; // the one seen above
        try
        {
            while (true)
            {
                started.Get(true, TimeSpan.FromMilliseconds(500));
                ran++;
            }
        }
        catch (MpQueueEmptyException)
        {
        }
        Assert.InRange(ran, 1, 4);
    }

    [Fact]
    public async Task ApplyAsync_cancelled_before_its_result_throws_OperationCanceledException_and_the_pool_goes_on()
    {
        await using var pool = Mp.Pool();
        var gate = Mp.Queue<int>();
        using var cancel = new CancellationTokenSource();
        var pending = pool.ApplyAsync(PoolTargets.WaitFor(gate), cancellationToken: cancel.Token);
        cancel.CancelAfter(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.Task.WaitAsync(Patience));
        Assert.ThrowsAny<OperationCanceledException>(() => pending.Get(TimeSpan.Zero));
        gate.Put(0);
        Assert.Equal(6, await pool.ApplyAsync(PoolTargets.Double, 3, cancellationToken: CancellationToken.None));
    }
}
