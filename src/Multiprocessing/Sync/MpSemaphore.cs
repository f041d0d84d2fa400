using Multiprocessing.Messages;
using Multiprocessing.Messages.Sync;
using Multiprocessing.Shared;
using Multiprocessing.Sync;
using Multiprocessing.Runtime;
using Multiprocessing.Values;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Semaphore</c> across processes and hosts: a count of free units; an acquire takes
/// one, waiting while there is none. On the creator's host the count is in shared memory (a compare-and-swap, a
/// futex wait when there is no unit; waiters are not served in arrival order, as Python's are not); from other
/// hosts each call is a request to its actor, which serves its waiters in arrival order. Make one with
/// <see cref="MpContext.Semaphore"/>.
/// </summary>
public class MpSemaphore
{
    private readonly SharedObjectAddress _address;
    private readonly SegmentView<SegmentSemaphoreCounter> _segment;

    internal MpSemaphore(SharedObjectAddress address, SegmentLocation? segment = null)
    {
        _address = address;
        _segment = new(segment);
    }

    /// <summary>A new semaphore's actor and, unless <paramref name="home"/> (config by default) says actor only, its segment.</summary>
    internal static (SharedObjectAddress Address, SegmentLocation? Segment) Create(NodeRuntime runtime, int value, bool bounded, SharedObjectHome? home = null)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "semaphore initial value must be >= 0");
        home ??= SharedObjectHomes.Default(runtime);
        if (home == SharedObjectHome.Actor) return (SyncCalls.Host(runtime, new SemaphoreState(value, bounded)), null);
        var segment = SyncSegments.Create(SegmentSemaphoreCounter.Layout(value, bounded));
        var address = SyncCalls.Host(runtime, new SegmentSemaphoreState(new SegmentSemaphoreCounter(segment)));
        return (address, SegmentLocation.Here(segment, viaActor: home == SharedObjectHome.SegmentViaActor));
    }

    // This process's view of the count, on its host (null elsewhere).
    private SegmentSemaphoreCounter? Counter => _segment.Get(static segment => new SegmentSemaphoreCounter(segment));

    /// <summary>Takes a unit: true once taken; false when not blocking or when <paramref name="timeout"/> passed.</summary>
    public bool Acquire(bool block = true, TimeSpan? timeout = null)
    {
        if (Counter is { } counter)
        {
            var holds = SegmentLockHolds.OfCurrentProcess();
            return Taken(block ? counter.Take(SyncCalls.WaitFor(block, timeout), holds.Ended) : counter.TryTake(), counter, holds);
        }
        return Blocking.Wait(() => AcquireAsync(block, timeout, CancellationToken.None));
    }

    /// <summary>Waits for a unit until <paramref name="timeout"/> (false) or the cancellation (<see cref="OperationCanceledException"/>, nothing taken).</summary>
    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(true, timeout, cancellationToken);

    /// <summary>Gives back <paramref name="n"/> units, waking as many waiters. A bounded semaphore throws <see cref="SemaphoreFullException"/> above its initial value.</summary>
    public void Release(int n = 1)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "n must be one or more");
        if (Counter is { } counter) counter.Release(n);
        else Blocking.Wait(() => ReleaseAsync(n));
    }

    public async Task ReleaseAsync(int n = 1, CancellationToken cancellationToken = default)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "n must be one or more");
        if (Counter is { } counter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            counter.Release(n);
            return;
        }
        var reply = await _address.AskAsync(id => new SemaphoreRelease(id, n), cancellationToken);
        if (reply is SyncRefused refused) throw new SemaphoreFullException(refused.Reason);
        if (reply is not SyncDone) throw SyncCalls.Unexpected(reply);
    }

    /// <summary>The free units now (Python's <c>get_value()</c>): a snapshot.</summary>
    public int GetValue()
    {
        if (Counter is { } counter) return counter.Value;
        return Blocking.Wait(() => _address.AskAsync(id => new SemaphoreGetValue(id))) is SyncCount count
            ? count.Value
            : throw new InvalidOperationException("Unexpected answer from a semaphore.");
    }

    /// <summary>Acquires, and releases when the result is disposed (Python's <c>with sem:</c>).</summary>
    public IDisposable Hold()
    {
        Acquire();
        return new Releaser(() => ReleaseAsync());
    }

    /// <summary><see cref="Hold"/> that waits asynchronously.</summary>
    public async Task<IAsyncDisposable> HoldAsync(CancellationToken cancellationToken = default)
    {
        await AcquireAsync(null, cancellationToken);
        return new Releaser(() => ReleaseAsync());
    }

    // A unit taken by a Process that ended meanwhile (terminated while it waited) goes back at once.
    private static bool Taken(bool taken, SegmentSemaphoreCounter counter, SegmentLockHolds holds)
    {
        if (!taken || !holds.HasEnded) return taken;
        counter.Release(1);
        throw new InvalidOperationException($"{Mp.CurrentProcess().Name} has ended: it can no longer take semaphore units.");
    }

    private async Task<bool> AcquireAsync(bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // cancelled, it takes nothing, even a free unit
        if (Counter is { } counter)
        {
            var holds = SegmentLockHolds.OfCurrentProcess();
            if (counter.TryTake()) return Taken(true, counter, holds);
            if (!block) return false;
            using var waits = SyncCalls.UntilEnded(cancellationToken, holds); // or the end of its process
            var taken = await FutexWaits.OnOwnThreadAsync(() => counter.Take(SyncCalls.WaitFor(true, timeout), waits.Token), counter.WakeAll, waits.Token);
            return Taken(taken, counter, holds);
        }
        var token = ProcessToken.Of(_address.Runtime);
        ICorrelated Acquire(long id) => new SemaphoreAcquire(id, token, block);
        var reply = block ? await _address.RequestAsync(Acquire, SyncCalls.WaitFor(block, timeout), cancellationToken) : await _address.AskAsync(Acquire, cancellationToken);
        return reply switch
        {
            SyncDone => true,
            SyncBusy or RequestCancelled => false,
            _ => throw SyncCalls.Unexpected(reply),
        };
    }
}

/// <summary>
/// Python's <c>multiprocessing.BoundedSemaphore</c>: a <see cref="MpSemaphore"/> whose release
/// throws <see cref="SemaphoreFullException"/> when it would exceed the initial value (Python's
/// ValueError). Make one with <see cref="MpContext.BoundedSemaphore"/>.
/// </summary>
public sealed class MpBoundedSemaphore : MpSemaphore
{
    internal MpBoundedSemaphore(SharedObjectAddress address, SegmentLocation? segment = null) : base(address, segment)
    {
    }
}
