using Akka.Actor;
using Hyperion;
using Multiprocessing.Pipes;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.connection.Connection</c>: one end of a <see cref="MpContext.Pipe{T}"/>.
/// A value: pass it to a process and its mailbox moves there. Unlike Python's, two readers of
/// the same end never corrupt anything: each message arrives whole at exactly one of them.
/// A receive returns what was sent: null where a null was sent. Disposing is <see cref="Close"/>.
/// </summary>
public sealed class MpConnection<T> : IDisposable, IConnectionHandle
{
    private readonly IActorRef _endpoint;
    private readonly bool _readable;
    private readonly bool _writable;

    // This process's side, which never travels (Hyperion skips [Ignore] fields; it does not skip [NonSerialized]).
    [Ignore] private ConnectionEnd? _end;

    internal MpConnection(ConnectionEnd end, bool readable, bool writable)
    {
        _endpoint = end.Origin;
        _readable = readable;
        _writable = writable;
        _end = end;
    }

    public bool Readable => _readable;
    public bool Writable => _writable;

    ConnectionEnd? IConnectionHandle.EndHere => Volatile.Read(ref _end);

    private ConnectionEnd End => Volatile.Read(ref _end) ?? LazyInitializer.EnsureInitialized(ref _end, () => ConnectionEnd.Travelled(_endpoint));

    /// <summary>
    /// Sends <paramref name="item"/>; throws <see cref="MpSerializationException"/> here if it cannot travel (or is over
    /// multiprocessing.payloads.maximum-size), <see cref="IOException"/> if the other end is closed. Blocks, as Python's
    /// send on a full pipe, while the reader has not read multiprocessing.pipes.unread-limit of what was sent.
    /// </summary>
    public void Send(T item)
    {
        CheckWritable();
        End.Send(End.Serialize(item));
    }

    /// <summary><see cref="Send"/>; waits (as Python's send blocks on a full pipe) while the reader is multiprocessing.pipes.unread-limit behind, until <paramref name="cancellationToken"/>.</summary>
    public Task SendAsync(T item, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckWritable();
        return End.SendAsync(End.Serialize(item), cancellationToken);
    }

    /// <summary>Python's <c>send_bytes</c>.</summary>
    public void SendBytes(byte[] buffer, int offset = 0, int? size = null)
    {
        CheckWritable();
        End.Send(End.Serialize(buffer.AsSpan(offset, size ?? buffer.Length - offset).ToArray()));
    }

    /// <summary>The next message, waiting for it; <see cref="EndOfStreamException"/> (Python's EOFError) once the other end is closed or gone and nothing is left.</summary>
    public T? Recv()
    {
        CheckReadable();
        return End.Deserialize<T>(End.Recv());
    }

    public async Task<T?> RecvAsync(CancellationToken cancellationToken = default)
    {
        CheckReadable();
        return End.Deserialize<T>(await End.RecvAsync(cancellationToken));
    }

    /// <summary>Python's <c>recv_bytes</c>: the next message sent with <see cref="SendBytes"/>; <see cref="InvalidCastException"/> for one that is not bytes.</summary>
    public byte[] RecvBytes()
    {
        CheckReadable();
        return End.Deserialize<byte[]>(End.Recv()) ?? throw new InvalidCastException("The message is null, not bytes sent with SendBytes.");
    }

    /// <summary>Whether a message (or the end of the stream) can be read, waiting up to <paramref name="timeout"/> (none: do not wait).</summary>
    public bool Poll(TimeSpan? timeout = null)
    {
        CheckReadable();
        return End.Poll(timeout ?? TimeSpan.Zero);
    }

    public Task<bool> PollAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        CheckReadable();
        return End.PollAsync(timeout ?? TimeSpan.Zero, cancellationToken);
    }

    /// <summary>Closes this end: the other end reads what was sent, then end-of-stream. Further calls throw; closing again does nothing.</summary>
    public void Close() => End.Close();

    /// <summary><see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private void CheckReadable()
    {
        End.CheckOpen();
        if (!_readable) throw new InvalidOperationException("connection is write-only");
    }

    private void CheckWritable()
    {
        End.CheckOpen();
        if (!_writable) throw new InvalidOperationException("connection is read-only");
    }
}
