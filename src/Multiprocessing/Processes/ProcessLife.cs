namespace Multiprocessing.Processes;

/// <summary>
/// The local, never-serialized state of an <see cref="MpProcess"/> object in this OS process:
/// its lifecycle as seen by its creator, and the children it starts when it is the one running.
/// Held in a field the serializer skips (<see cref="MpProcess.Life"/>): the object itself travels to the host.
/// </summary>
internal sealed class ProcessLife
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    public Task<int> Started => _started.Task;

    public int NextChildNumber() => Interlocked.Increment(ref _childCounter);

    public void OnStarted(int pid) => _started.TrySetResult(pid);

    public void OnExited(int exitCode)
    {
        _started.TrySetResult(-1);
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
