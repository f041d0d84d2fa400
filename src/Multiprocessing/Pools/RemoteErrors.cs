using Multiprocessing.Messages.Pools;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>Turns a <see cref="ChunkFailed"/> back into the exception raised in the worker (see <see cref="RemoteExceptions"/>).</summary>
internal static class RemoteErrors
{
    public static ChunkFailed Failed(RunChunk run, Exception e, string worker)
    {
        var (type, message, stackTrace) = RemoteExceptions.Describe(e);
        return new ChunkFailed(run.JobId, run.Chunk, type, message, stackTrace, worker);
    }

    public static Exception Rebuild(ChunkFailed failure)
    {
        var trace = $"{failure.StackTrace}{Environment.NewLine}   (in pool worker {failure.Worker})";
        return RemoteExceptions.Rebuild(failure.ExceptionType, failure.Message, trace, type => new MpRemoteTaskException(type, failure.Message, trace));
    }
}
