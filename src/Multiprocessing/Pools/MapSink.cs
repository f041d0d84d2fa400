using Multiprocessing.Messages.Pools;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>Collects a Map's chunks; fails at the first exception.</summary>
internal sealed class MapSink(int chunks, int items, int chunksize, IProgress<MpPoolProgress>? progress) : IPoolJobSink
{
    private readonly byte[][] _results = new byte[chunks][];
    private readonly TaskCompletionSource<byte[][]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reported = Task.CompletedTask;
    private int _completedItems;

    public Task<byte[][]> Chunks => _done.Task;

    public void ChunkDone(int chunk, byte[] results)
    {
        _results[chunk] = results;
        if (progress is null) return;
        var completed = _completedItems += Math.Min(chunksize, items - chunk * chunksize);
        // Reports run in order, off the dispatcher's thread (IProgress implementations are user code).
        _reported = _reported.ContinueWith(_ => progress.Report(new MpPoolProgress(completed, items)), TaskScheduler.Default);
    }

    private volatile bool _failed;

    // Rebuilding the exception calls its constructor (user code): off the dispatcher's thread.
    public void ChunkFailed(ChunkFailed failure)
    {
        _failed = true;
        Task.Run(() => _done.TrySetException(RemoteErrors.Rebuild(failure)));
    }

    public void Failed(Exception error)
    {
        _failed = true;
        _done.TrySetException(error);
    }

    public void Cancelled(CancellationToken cancellationToken)
    {
        _failed = true;
        _done.TrySetCanceled(cancellationToken);
    }

    public void Completed()
    {
        if (_failed) return;
        if (progress is null) _done.TrySetResult(_results);
        else _reported.ContinueWith(_ => _done.TrySetResult(_results), TaskScheduler.Default);
    }
}
