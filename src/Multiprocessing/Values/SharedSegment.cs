using System.Collections.Concurrent;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace Multiprocessing.Values;

/// <summary>
/// The same-host home of a Value or Array: a file under /dev/shm (or the temp folder where there
/// is none) mapped by every process of this host that uses it. A 64-byte header holds Python's
/// default lock, an RLock, then come the elements. Each process maps a segment once.
/// </summary>
/// <remarks>
/// The lock word is 0 when free, else the owner's pid, with <see cref="WaitersBit"/> set once a
/// waiter sleeps on it (Drepper's futex mutex, with the pid in the word so that a waiter sees a
/// dead holder). The owner's thread (or a synthetic owner of the actor serving other hosts), the
/// owning Process of that OS process (several run in one worker node; 0 for a Value's lock, owned
/// by threads), recursion count and start time are only written by the owner while it holds the word.
/// The same word serves as a non-reentrant Lock (<c>reentrant: false</c>), which anyone may release. Waits are
/// futex waits of at most 100 ms, after which a waiter asks the OS whether the holder still runs.
/// </remarks>
internal sealed unsafe class SharedSegment
{
    private const int HeaderSize = 64;
    private const int Magic = 0x4D505641; // "MPVA"
    private const int WaitersBit = 1 << 30;
    private const int PidMask = WaitersBit - 1;
    // A holder usually releases within microseconds: a few dozen spins (then yields) catch that before a futex sleep.
    private const int SpinTries = 64;
    private static readonly TimeSpan LivenessCheck = NativeWait.Round;
    // Process-wide as the mappings and files they track: a segment is mapped once per OS process, whichever node uses it.
    private static readonly ConcurrentDictionary<string, SharedSegment> Mapped = new();
    private static readonly int Pid = Environment.ProcessId;

    // Files this process created and has not removed yet: removed at the latest when it exits.
    private static readonly ConcurrentDictionary<string, byte> Owned = new();
    private const string FilePrefix = "mp-value-";
    private static int _swept;

    static SharedSegment() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var path in Owned.Keys) ShmFiles.TryDelete(path);
    };

    // Header offsets.
    private const int WordAt = 0, OwnerThreadAt = 4, CountAt = 8, AbandonedAt = 12, OwnerStartAt = 16, MagicAt = 24, SizeAt = 28, OwnerStartPidAt = 32, WakePendingAt = 36, OwnerProcessAt = 40;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;

    private SharedSegment(string path, MemoryMappedFile file, MemoryMappedViewAccessor view)
    {
        Path = path;
        _file = file;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    public string Path { get; }

    public int DataSize => *(int*)(_base + SizeAt);

    public byte* Data => _base + HeaderSize;

    private int* Word => (int*)(_base + WordAt);
    private ref int OwnerThread => ref *(int*)(_base + OwnerThreadAt);
    private ref int Count => ref *(int*)(_base + CountAt);
    private ref long OwnerStart => ref *(long*)(_base + OwnerStartAt);
    private ref int OwnerStartPid => ref *(int*)(_base + OwnerStartPidAt);
    private ref long OwnerProcess => ref *(long*)(_base + OwnerProcessAt);

    // Set by a release that woke a waiter, cleared by waiters when they run: while a woken waiter has
    // not run yet, releases do not wake another (a holder in a loop would pay a syscall per release).
    private ref int WakePending => ref *(int*)(_base + WakePendingAt);

    /// <summary>Where segments are made: /dev/shm (memory) where there is one.</summary>

    /// <summary>A new segment holding <paramref name="data"/>, mapped here; the caller unlinks it when its owner ends.</summary>
    public static SharedSegment Create(ReadOnlySpan<byte> data)
    {
        if (Interlocked.Exchange(ref _swept, 1) == 0) ShmFiles.SweepDeadMakers(FilePrefix); // a killed creator could not remove its files
        var path = ShmFiles.NewPath(FilePrefix);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            var header = new byte[HeaderSize];
            BitConverter.TryWriteBytes(header.AsSpan(MagicAt), Magic);
            BitConverter.TryWriteBytes(header.AsSpan(SizeAt), data.Length);
            stream.Write(header);
            stream.Write(data);
        }
        Owned[path] = 0;
        return Open(path) ?? throw new IOException($"The shared-memory segment {path} could not be mapped.");
    }

    /// <summary>This process's mapping of <paramref name="path"/>, made on first use; null if it cannot be opened (gone, or another machine's).</summary>
    public static SharedSegment? Open(string path)
    {
        if (Mapped.TryGetValue(path, out var mapped)) return mapped;
        lock (Mapped)
        {
            if (Mapped.TryGetValue(path, out mapped)) return mapped;
            MemoryMappedFile file;
            try
            {
                file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return null; // gone (its creator ended), or not a file this process may map
            }
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite);
            if (view.Capacity < HeaderSize || view.ReadInt32(MagicAt) != Magic)
            {
                view.Dispose();
                file.Dispose();
                return null; // not one of ours
            }
            var segment = new SharedSegment(path, file, view);
            Mapped[path] = segment;
            return segment;
        }
    }

    /// <summary>Removes the file: processes that mapped it keep their mapping, none can map it any more.</summary>
    public void Unlink()
    {
        Owned.TryRemove(Path, out _);
        ShmFiles.TryDelete(Path);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    public T Read<T>(int index) where T : unmanaged => Unsafe.ReadUnaligned<T>(Data + index * sizeof(T));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    public void Write<T>(int index, T value) where T : unmanaged => Unsafe.WriteUnaligned(Data + index * sizeof(T), value);

    public void ReadBytes(int offset, Span<byte> into) => new ReadOnlySpan<byte>(Data + offset, into.Length).CopyTo(into);

    public void WriteBytes(int offset, ReadOnlySpan<byte> bytes) => bytes.CopyTo(new Span<byte>(Data + offset, bytes.Length));

    /// <summary>True if <paramref name="thread"/> of this OS process, for <paramref name="process"/>, holds the lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    public bool IsOwnedBy(int thread, long process = 0) =>
        IsHeldFor(process) && Volatile.Read(ref OwnerThread) == thread;

    /// <summary>True if a thread of this OS process holds the lock for <paramref name="process"/>.</summary>
    public bool IsHeldFor(long process) => (Volatile.Read(ref *Word) & PidMask) == Pid && Volatile.Read(ref OwnerProcess) == process;

    /// <summary>True if anyone holds the lock.</summary>
    public bool IsLocked => Volatile.Read(ref *Word) != 0;

    /// <summary>
    /// Takes the lock for <paramref name="thread"/> of this process (again, if it holds it and the lock is
    /// <paramref name="reentrant"/>), <paramref name="count"/> levels deep: at once, or waiting until
    /// <paramref name="timeout"/> (null: no limit) or the cancellation. A holder that died is replaced,
    /// and the segment remembers it for <see cref="ConsumeAbandoned"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    public bool Acquire(int thread, bool block, TimeSpan? timeout, CancellationToken cancellationToken,
        long process = 0, bool reentrant = true, int count = 1)
    {
        if (reentrant && IsOwnedBy(thread, process))
        {
            Count += count;
            return true;
        }
        var owner = new Owner(thread, process, count);
        if (TryTake(owner)) return true;
        for (var spin = new SpinWait(); spin.Count < SpinTries; spin.SpinOnce(sleep1Threshold: -1))
            if (Volatile.Read(ref *Word) == 0 && TryTake(owner)) return true;
        if (!block) return TryTakeOverDead(owner);

        var deadline = timeout is { } t ? Environment.TickCount64 + (long)t.TotalMilliseconds : long.MaxValue;
        var checkHolderAt = Environment.TickCount64 + (long)LivenessCheck.TotalMilliseconds;
        while (true)
        {
            // Cancelled (or its Process ended) first: a waiter woken by the release that follows takes nothing.
            if (cancellationToken.IsCancellationRequested)
            {
                PassOnWake();
                cancellationToken.ThrowIfCancellationRequested();
            }
            var word = Volatile.Read(ref *Word);
            if (word == 0)
            {
                if (Interlocked.CompareExchange(ref *Word, Pid | WaitersBit, 0) == 0) return Took(owner);
                continue;
            }
            if ((word & WaitersBit) == 0 && Interlocked.CompareExchange(ref *Word, word | WaitersBit, word) != word) continue;
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                if (TryTakeOverDead(owner)) return true;
                PassOnWake();
                return false;
            }
            NativeWait.Wait(Word, word | WaitersBit, TimeSpan.FromMilliseconds(Math.Min(left, (long)LivenessCheck.TotalMilliseconds)));
            Volatile.Write(ref WakePending, 0);
            // Asking the OS whether the holder lives costs syscalls: once per check interval, not on every wake.
            if (Environment.TickCount64 < checkHolderAt) continue;
            checkHolderAt = Environment.TickCount64 + (long)LivenessCheck.TotalMilliseconds;
            var holder = Volatile.Read(ref *Word);
            if (holder != 0 && (holder & PidMask) != Pid && !NativeWait.IsAlive(holder & PidMask, StartTimeOf(holder & PidMask))
                && Interlocked.CompareExchange(ref *Word, Pid | WaitersBit, holder) == holder)
            {
                MarkAbandoned();
                return Took(owner);
            }
        }
    }

    /// <summary>One release by <paramref name="thread"/>; the last one frees the lock and wakes a waiter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    public void Release(int thread, long process = 0)
    {
        if (!IsOwnedBy(thread, process)) throw new SynchronizationLockException("cannot release un-acquired lock");
        if (--Count > 0) return;
        OwnerThread = 0;
        OwnerProcess = 0; // no stale owner for a reader between the free and the next holder's own
        WakeOneIfWaited(Interlocked.Exchange(ref *Word, 0));
    }

    /// <summary>Frees the lock whoever holds it (Python's Lock: any process may release it); throws if it is free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    public void ReleaseAny()
    {
        while (true)
        {
            var word = Volatile.Read(ref *Word);
            if (word == 0) throw new SynchronizationLockException("release of an unlocked lock");
            // No stale owner for a reader between the free and the next holder's own (written only by a holder, or a
            // release that frees it: two releases of one acquire race here as Python's do).
            OwnerThread = 0;
            OwnerProcess = 0;
            if (Interlocked.CompareExchange(ref *Word, 0, word) != word) continue;
            WakeOneIfWaited(word);
            return;
        }
    }

    /// <summary>
    /// Every level held by <paramref name="thread"/> (<see cref="AnyThread"/>: any thread) of <paramref name="process"/>
    /// at once, for a Condition's wait: the levels and the owner thread to take again, or null if it does not hold the lock.
    /// </summary>
    public (int Count, int Thread)? ReleaseAll(int thread, long process)
    {
        if (!(thread == AnyThread ? IsHeldFor(process) : IsOwnedBy(thread, process))) return null;
        var held = (Count, OwnerThread);
        Count = 1;
        Release(held.OwnerThread, process);
        return held;
    }

    /// <summary>
    /// The process ended holding the lock: it is freed, and the next holder learns it was abandoned. Its threads may
    /// still run (a terminated Process's): the word is freed only if it is still the one read with the process as owner.
    /// </summary>
    public void AbandonIfHeldBy(long process)
    {
        var word = Volatile.Read(ref *Word);
        if ((word & PidMask) != Pid || Volatile.Read(ref OwnerProcess) != process || Volatile.Read(ref *Word) != word) return;
        MarkAbandoned();
        OwnerThread = 0;
        OwnerProcess = 0;
        while (Interlocked.CompareExchange(ref *Word, 0, word) != word)
        {
            var now = Volatile.Read(ref *Word);
            if ((now & PidMask) != (word & PidMask)) return; // released meanwhile (by its own thread, still running)
            word = now; // only the waiters bit changed
        }
        WakeOneIfWaited(word);
    }

    /// <summary>Any thread of the owning process (managed thread ids start at 1).</summary>
    public const int AnyThread = 0;

    private void WakeOneIfWaited(int freedWord)
    {
        if ((freedWord & WaitersBit) != 0 && Volatile.Read(ref WakePending) == 0)
        {
            Volatile.Write(ref WakePending, 1);
            NativeWait.Wake(Word, 1);
        }
    }

    // A waiter that leaves without the lock may have taken the wake meant for another sleeper: wake one.
    private void PassOnWake()
    {
        Volatile.Write(ref WakePending, 0);
        if ((Volatile.Read(ref *Word) & WaitersBit) != 0) NativeWait.Wake(Word, 1);
    }

    /// <summary>Every hold of <paramref name="thread"/> at once, if it holds the lock.</summary>
    public void ReleaseFully(int thread) => ReleaseAll(thread, 0);

    /// <summary>The next holder is told the lock was abandoned (its holder, served by an actor here, is gone).</summary>
    public void MarkAbandoned() => Volatile.Write(ref *(int*)(_base + AbandonedAt), 1);

    /// <summary>True once after the lock was taken from a holder that had died.</summary>
    public bool ConsumeAbandoned() =>
        Volatile.Read(ref *(int*)(_base + AbandonedAt)) == 1 && Interlocked.Exchange(ref *(int*)(_base + AbandonedAt), 0) == 1;

    /// <summary>Wakes every waiter so that each checks its cancellation.</summary>
    public void WakeAll() => NativeWait.Wake(Word, int.MaxValue);

    // The start time the holder wrote, if it is that holder's (a new holder may not have written its own yet).
    private long StartTimeOf(int pid)
    {
        var before = Volatile.Read(ref OwnerStartPid);
        var start = Volatile.Read(ref OwnerStart);
        return before == pid && Volatile.Read(ref OwnerStartPid) == pid ? start : 0;
    }

    private readonly record struct Owner(int Thread, long Process, int Count);

    // When this process may next ask the OS whether a holder still runs for a call about to give up.
    private long _nextTakeoverCheck;

    // A call about to give up (it does not block, or its time is up) first asks whether the holder still runs: a dead
    // holder's lock is taken, as abandoned. At most once a round per process and segment (it costs syscalls).
    private bool TryTakeOverDead(Owner owner)
    {
        var now = Environment.TickCount64;
        if (now < Volatile.Read(ref _nextTakeoverCheck)) return false;
        Volatile.Write(ref _nextTakeoverCheck, now + (long)LivenessCheck.TotalMilliseconds);
        var holder = Volatile.Read(ref *Word);
        if (holder == 0 || (holder & PidMask) == Pid || NativeWait.IsAlive(holder & PidMask, StartTimeOf(holder & PidMask))) return false;
        if (Interlocked.CompareExchange(ref *Word, Pid | (holder & WaitersBit), holder) != holder) return false;
        MarkAbandoned();
        return Took(owner);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    private bool TryTake(Owner owner) => Interlocked.CompareExchange(ref *Word, Pid, 0) == 0 && Took(owner);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot in a fresh spawn process: no unoptimized first tier
    private bool Took(Owner owner)
    {
        OwnerThread = owner.Thread;
        OwnerProcess = owner.Process;
        if (Volatile.Read(ref OwnerStartPid) != Pid) // left by this process's last hold otherwise
        {
            Volatile.Write(ref OwnerStartPid, 0);
            Volatile.Write(ref OwnerStart, NativeWait.OwnStartTime);
            Volatile.Write(ref OwnerStartPid, Pid);
        }
        Count = owner.Count;
        return true;
    }
}
