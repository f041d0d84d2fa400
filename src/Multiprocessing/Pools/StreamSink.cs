using System.Threading.Channels;
using Multiprocessing.Messages.Pools;

namespace Multiprocessing.Pools;

/// <summary>Hands an Imap's chunks to its consumer as they come: results, or the exception at the chunk that raised it.</summary>
internal sealed class StreamSink : IPoolJobSink
{
    private readonly Channel<(int Chunk, byte[]? Results, ChunkFailed? Failure)> _outcomes =
        Channel.CreateUnbounded<(int, byte[]?, ChunkFailed?)>(new UnboundedChannelOptions { SingleReader = true });

    public void ChunkDone(int chunk, byte[] results) => _outcomes.Writer.TryWrite((chunk, results, null));

    public void ChunkFailed(ChunkFailed failure) => _outcomes.Writer.TryWrite((failure.Chunk, null, failure));

    public void Failed(Exception error) => _outcomes.Writer.TryComplete(error);

    public void Completed() => _outcomes.Writer.TryComplete();

    /// <summary>The next chunk's outcome; null at the end; throws the job's own failure (not a task's, which comes in its place).</summary>
    public async ValueTask<(int Chunk, byte[]? Results, ChunkFailed? Failure)?> TakeAsync(CancellationToken cancellationToken)
    {
        var reader = _outcomes.Reader;
        while (true)
        {
            if (reader.TryRead(out var outcome)) return outcome;
            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        }
    }
}
