namespace Multiprocessing.Processes;

/// <summary>
/// The local, never-serialized state of an <see cref="MpProcess"/> object in this OS process:
/// its lifecycle as seen by its creator, and the children it starts when it is the one running.
/// Held in a field the serializer skips (<see cref="MpProcess.Life"/>): the object itself travels to the host.
/// </summary>
internal sealed class ProcessLife
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set once the process has a host (a place, or an end without one): what Start waits for when it cannot pick the host itself.
    private readonly TaskCompletionSource _placed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pid;
    private readonly List<MpProcess> _children = [];
    private readonly List<Func<Task>> _exitHooks = [];
    private int _childCounter;

    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The process's identity in each actor system it used here (<see cref="Sync.ProcessToken"/>).</summary>
    public Sync.ProcessToken.Tokens Tokens { get; } = new();

    /// <summary>The same-host locks the process took, released as abandoned when it ends holding them.</summary>
    public Sync.SegmentLockHolds SegmentLocks { get; } = new();
    public MpContext? Context { get; set; }
    public MpStartMethod? Method { get; set; }
    public bool IsStarted { get; set; }
    public bool IsClosed { get; set; }

    /// <summary>True for the object that stands for the code running here (MainProcess, or a hosted process).</summary>
    public bool IsRunningHere { get; set; }

    public Task<int> Exit => _exit.Task;

    /// <summary>The OS pid of the process's host, known once it is placed; null before, or if it was never placed.</summary>
    public int? Pid => Volatile.Read(ref _pid) is var pid and not 0 ? pid : null;

    public int NextChildNumber() => Interlocked.Increment(ref _childCounter);

    /// <summary>The process has a host: OS process <paramref name="pid"/>.</summary>
    public void OnPlaced(int pid)
    {
        Volatile.Write(ref _pid, pid);
        _placed.TrySetResult();
    }

    /// <summary>Waits until the process is placed or ended; false if <paramref name="timeout"/> passed first.</summary>
    public Task Placed => _placed.Task;

    public void OnExited(int exitCode)
    {
        _placed.TrySetResult();
        _exit.TrySetResult(exitCode);
    }

    /// <summary>Work that must finish before this process counts as ended (a queue handle flushing what was put).</summary>
    public void OnExit(Func<Task> hook)
    {
        lock (_exitHooks) _exitHooks.Add(hook);
    }

    public async Task RunExitHooksAsync()
    {
        Func<Task>[] hooks;
        lock (_exitHooks)
        {
            hooks = [.. _exitHooks];
            _exitHooks.Clear();
        }
        // Every hook runs, whatever the others do: one queue that failed to deliver must not keep another's lease.
        var failures = new List<Exception>();
        foreach (var hook in hooks)
        {
            try
            {
                await hook();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1) throw new AggregateException(failures);
    }

    public void AddChild(MpProcess child)
    {
        lock (_children) _children.Add(child);
    }

    public void RemoveChild(MpProcess child)
    {
        lock (_children) _children.Remove(child);
    }

    /// <summary>Children still running; finished ones are forgotten (Python reaps them here too).</summary>
    public IReadOnlyList<MpProcess> LiveChildren()
    {
        lock (_children)
        {
            _children.RemoveAll(c => c.Life.Exit.IsCompleted);
            return [.. _children];
        }
    }
}
