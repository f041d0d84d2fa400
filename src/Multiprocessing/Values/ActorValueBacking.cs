using System.Runtime.CompilerServices;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Values;
using Multiprocessing.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing.Values;

/// <summary>A handle away from its segment (another host) or on a Manager's Value: every call is one request to the actor holding it.</summary>
internal sealed class ActorValueBacking(SharedObjectAddress address) : IValueBacking
{
    // Owners are threads of this OS process; the token tells processes (and hosts) apart.
    private static readonly string ProcessToken = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private static string Owner(int thread) => $"{ProcessToken}/{thread}";

    private static string? OwnerIf(bool locked) => locked ? Owner(Environment.CurrentManagedThreadId) : null;

    public T Get<T>(int index, bool locked) where T : unmanaged => GetRange<T>(index, 1, locked)[0];

    public void Set<T>(int index, T value, bool locked) where T : unmanaged => SetRange(index, [value], locked);

    public T[] GetRange<T>(int start, int count, bool locked) where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var owner = OwnerIf(locked);
        var reply = Request(id => new ValueRead(id, start * size, count * size, owner), null, CancellationToken.None);
        return Typecodes.FromBytes<T>(((ValueData)reply).Bytes);
    }

    public void SetRange<T>(int start, T[] values, bool locked) where T : unmanaged
    {
        var bytes = Typecodes.ToBytes<T>(values);
        var owner = OwnerIf(locked);
        Request(id => new ValueWrite(id, start * Unsafe.SizeOf<T>(), bytes, owner), null, CancellationToken.None);
    }

    public bool Acquire(int thread, bool block, TimeSpan? timeout) =>
        Blocking.Wait(() => AcquireAsync(thread, block, timeout, CancellationToken.None));

    public async Task<bool> AcquireAsync(int thread, bool block, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var owner = Owner(thread);
        ICorrelated Acquire(long id) => new ValueLockAcquire(id, owner, block);
        var reply = block ? await address.RequestAsync(Acquire, timeout, cancellationToken) : await address.AskAsync(Acquire, cancellationToken);
        switch (reply)
        {
            case ValueLockGranted { Abandoned: true }:
                throw new MpAbandonedLockException(
                    "The lock of this Value/Array was held by a process that ended without releasing it; this thread now holds it and must release it.");
            case ValueLockGranted:
                return true;
            case ValueRefused refused:
                throw new InvalidOperationException(refused.Reason);
            default:
                return false; // busy, or the timeout settled as cancelled
        }
    }

    public void Release(int thread)
    {
        var owner = Owner(thread);
        var reply = Blocking.Wait(() => address.AskAsync(id => new ValueLockRelease(id, owner)));
        if (reply is ValueRefused refused) throw new SynchronizationLockException(refused.Reason);
    }

    private ICorrelated Request(Func<long, ICorrelated> request, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var reply = Blocking.Wait(() => address.RequestAsync(request, wait, cancellationToken));
        if (reply is ValueRefused refused) throw new InvalidOperationException(refused.Reason);
        return reply;
    }
}
