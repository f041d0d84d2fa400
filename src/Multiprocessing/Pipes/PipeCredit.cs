using Multiprocessing.Runtime;

namespace Multiprocessing.Pipes;

/// <summary>
/// How much a process may still write to a pipe end before its reader has read: as a pipe's OS
/// buffer does in Python, a reader that stops reading stops its writer (here once the bytes the
/// reader has not read pass multiprocessing.pipes.unread-limit), so that neither side's memory
/// grows. The reader's end reports what its code received (<see cref="Received"/>); a peer that
/// closes or dies breaks the pipe, which wakes a blocked writer with Python's BrokenPipeError.
/// Only the process whose endpoint holds the end counts: reports go to the holder, so a process
/// whose end moved on (its sends forwarded) writes uncounted, from zero, until the end comes back.
/// </summary>
internal sealed class PipeCredit(long unreadLimit)
{
    /// <summary>
    /// Below this much unread a writer never waits: the reader reports what it received once it
    /// has taken this much, or read all it had, so a writer that waits is always told when it may go on.
    /// </summary>
    public const long ReportFloor = 64 * 1024;

    private readonly object _gate = new();
    private long _unread;
    private bool _broken;
    private bool _holding = true;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Broken => Volatile.Read(ref _broken);

    /// <summary>Counts <paramref name="bytes"/> about to be sent, first waiting while the reader is too far behind.</summary>
    public async Task TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_broken) throw BrokenPipe();
                if (!_holding) return;
                if (_unread < ReportFloor || _unread + bytes <= unreadLimit)
                {
                    _unread += bytes;
                    return;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary><see cref="TakeAsync"/> for a caller that blocks (at once when there is room, as almost always).</summary>
    public void Take(long bytes) => Blocking.Wait((Credit: this, bytes), static take => take.Credit.TakeAsync(take.bytes, CancellationToken.None));

    /// <summary>The reader's code received <paramref name="bytes"/> more.</summary>
    public void Received(long bytes)
    {
        lock (_gate)
        {
            // Reports of what was sent before this process's end last left it come late: never below zero.
            _unread = Math.Max(0, _unread - bytes);
            Signal();
        }
    }

    /// <summary>This process's endpoint handed the end over: what the reader receives is reported to the new holder.</summary>
    public void Released()
    {
        lock (_gate)
        {
            _holding = false;
            _unread = 0;
            Signal();
        }
    }

    /// <summary>
    /// This process's endpoint holds the end (again). What was counted stays counted: sends made while the end
    /// was on its way here are delivered from here, and the reader reports them here. (An end that left counted
    /// from zero when it did.)
    /// </summary>
    public void Held()
    {
        lock (_gate) _holding = true;
    }

    /// <summary>The peer closed or died: sends fail from now on.</summary>
    public void Break()
    {
        lock (_gate)
        {
            _broken = true;
            Signal();
        }
    }

    public static IOException BrokenPipe() => new("The other end of the pipe is closed (broken pipe).");

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
