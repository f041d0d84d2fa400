using System.Runtime.CompilerServices;
using Akka.Actor;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>
/// One Imap of a pool, as its consumer enumerates it: a thread of its own reads the input (user code) a window of
/// chunks ahead of the consumer (pool.lazy-chunks-ahead), and results come back as they are answered.
/// </summary>
/// <param name="serializeChunk">Serializes chunk N of the input, checked with the job's target against the payload limit.</param>
/// <param name="track">Registers the job's outcome with its pool (Join waits for it; a failure cancels the job).</param>
internal sealed class PoolStream<T, TResult>(PoolJob job, StreamSink sink, IActorRef dispatcher, PayloadSerializer payloads, int chunksAhead,
    Func<T[], int, byte[], byte[]> serializeChunk, Action<PoolJob, Task> track)
{
    /// <summary>Submits the job, feeds it the input as the consumer goes, and yields the results (in input order if <paramref name="ordered"/>).</summary>
    public async IAsyncEnumerable<TResult> Consume(IEnumerable<T> iterable, int chunksize, bool ordered, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = new SemaphoreSlim(chunksAhead);
        var stop = new CancellationTokenSource(); // not disposed: the feeder may still look at it
        var enumerating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        track(job, enumerating.Task);
        dispatcher.Tell(new PoolDispatcherActor.Submit(job, [], null));
        _ = Task.Factory.StartNew(() => Feed(iterable, chunksize, window, stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            var early = new Dictionary<int, (int Chunk, byte[]? Results, ChunkFailed? Failure)>();
            var next = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested(); // also when the next chunk is here already
                (int Chunk, byte[]? Results, ChunkFailed? Failure) outcome;
                if (ordered && early.Remove(next, out var buffered)) outcome = buffered;
                else if (await sink.TakeAsync(cancellationToken).ConfigureAwait(false) is { } taken)
                {
                    if (ordered && taken.Chunk != next)
                    {
                        early[taken.Chunk] = taken;
                        continue;
                    }
                    outcome = taken;
                }
                else break;
                next++;
                window.Release();
                if (outcome.Failure is not null) throw RemoteErrors.Rebuild(outcome.Failure);
                foreach (var result in ChunkCodec<TResult>.Decode(outcome.Results!, payloads, "pool results"))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return result;
                }
            }
            enumerating.TrySetResult();
        }
        finally
        {
            stop.Cancel();
            enumerating.TrySetResult(); // left early: the job is cancelled below, nothing more is pending
            dispatcher.Tell(new PoolDispatcherActor.Cancel(job.Id));
        }
    }

    // Reads the input on a thread of its own (user code), a window of chunks ahead of the consumer.
    private void Feed(IEnumerable<T> iterable, int chunksize, SemaphoreSlim window, CancellationToken stop)
    {
        try
        {
            var chunk = 0;
            var buffer = new List<T>(chunksize);
            using var items = iterable.GetEnumerator();
            var more = true;
            while (more)
            {
                window.Wait(stop);
                buffer.Clear();
                while (buffer.Count < chunksize && (more = items.MoveNext())) buffer.Add(items.Current);
                if (buffer.Count == 0) break;
                dispatcher.Tell(new PoolDispatcherActor.ChunksReady(job.Id, [(chunk, serializeChunk(buffer.ToArray(), chunk, job.Target))], null));
                chunk++;
            }
            dispatcher.Tell(new PoolDispatcherActor.ChunksReady(job.Id, [], chunk));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The job ended (its caller gave up, or the pool was terminated): nothing more to feed, and nobody to tell.
        }
        catch (Exception e)
        {
            // The input itself failed (or a chunk cannot be sent): the consumer sees it in turn.
            job.Sink.Failed(e);
            dispatcher.Tell(new PoolDispatcherActor.Cancel(job.Id));
        }
    }
}
