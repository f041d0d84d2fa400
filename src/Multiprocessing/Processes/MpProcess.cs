using Akka.Actor;
using Hyperion;
using System.Reflection;
using Multiprocessing.Processes;
using Multiprocessing.Pipes;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Process</c>: a target and its arguments run in another process.
/// Create one with <see cref="MpContext.Process(Action, string?, bool?)"/> (a method or a lambda whose captures
/// serialize), or subclass it and override <see cref="Run"/>. The object itself is serialized
/// to the host at <see cref="Start"/>, so a subclass's fields travel with it.
/// </summary>
public class MpProcess : IDisposable
{
    // Everything in these fields travels to the host but the local side, which Hyperion skips ([Ignore]; it does not
    // skip [NonSerialized]).
    [Ignore] private ProcessLife? _life;
    private string _name;
    private bool _daemon;
    private readonly Delegate? _target;
    private readonly object?[] _args;
    private readonly int[] _identity;
    private string? _parentName;
    private int _parentPid;

    /// <summary>For subclasses that override <see cref="Run"/>.</summary>
    protected MpProcess() : this(null, [])
    {
    }

    internal MpProcess(Delegate? target, object?[] args)
    {
        var parent = Mp.CurrentProcess();
        _identity = [.. parent._identity, parent.Life.NextChildNumber()];
        _name = "Process-" + string.Join(':', _identity);
        _daemon = parent.Daemon;
        _target = target;
        _args = args;
    }

    // A stand-in for a process that was not started from here: MainProcess, a node, a parent.
    private MpProcess(string name, int pid)
    {
        _name = name;
        _identity = [];
        _args = [];
        var life = Life;
        life.IsRunningHere = life.IsStarted = true;
        life.OnPlaced(pid);
    }

    internal static MpProcess ForMain(string name, int? pid = null) => new(name, pid ?? Environment.ProcessId);

    /// <summary>Default <c>Process-N</c> (<c>Process-N:M</c> for a child's child); may be changed at any time.</summary>
    public string Name
    {
        get => _name;
        set => _name = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>A daemon is terminated when its parent finishes instead of being waited for. Set before <see cref="Start"/>.</summary>
    public bool Daemon
    {
        get => _daemon;
        set
        {
            CheckNotClosed();
            if (Life.IsStarted) throw new InvalidOperationException("process has already started");
            _daemon = value;
        }
    }

    /// <summary>
    /// The OS pid of the process running this one (the worker node's pid for <see cref="MpStartMethod.Actor"/>), known when
    /// <see cref="Start"/> returns; null before, and for a process that could not be placed on any host. Never waits.
    /// </summary>
    public int? Pid
    {
        get
        {
            CheckNotClosed();
            return Life.Pid;
        }
    }

    /// <summary>null while running; 0 on success, 1 after an unhandled exception, the code given to <see cref="Mp.Exit"/>, -N when killed by signal N.</summary>
    public int? ExitCode
    {
        get
        {
            CheckNotClosed();
            var exit = Life.Exit;
            return exit.IsCompleted ? exit.Result : null;
        }
    }

    /// <summary>Started and not yet finished.</summary>
    public bool IsAlive
    {
        get
        {
            CheckNotClosed();
            var life = Life;
            return life.IsRunningHere || (life.IsStarted && !life.Exit.IsCompleted);
        }
    }

    internal string? ParentName => _parentName;
    internal int ParentPid => _parentPid;
    /// <summary>This object's side in this OS process, made on first use here (a copy that travelled starts without it).</summary>
    internal ProcessLife Life => Volatile.Read(ref _life) ?? LazyInitializer.EnsureInitialized(ref _life, () => new ProcessLife());

    /// <summary>The process's work. The default calls the target with the arguments; override it in a subclass.</summary>
    public virtual void Run()
    {
        if (_target is null) return;
        object? result;
        try
        {
            result = _target.DynamicInvoke(_args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        if (result is Task task) task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Starts the process and returns once it has a host, so that <see cref="Pid"/> is known. Throws
    /// <see cref="MpSerializationException"/>, naming the type, if it cannot be sent to a host, and
    /// <see cref="TimeoutException"/> if the coordinator gave it no host within <c>ask-timeout</c>.
    /// </summary>
    public void Start() => Blocking.Wait(this, static process => process.StartAsync());

    /// <summary>
    /// <see cref="Start"/>, awaited: it completes once the process has a host. A <paramref name="cancellationToken"/>
    /// cancelled before the call leaves the process unstarted; cancelled while it waits for a host, the process ends
    /// (exit code 1), as when no host comes within <c>ask-timeout</c>.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckNotClosed();
        var life = Life;
        var parent = Mp.CurrentProcess();
        MpContext context;
        bool placedHere;
        lock (life)
        {
            if (life.IsStarted) throw new InvalidOperationException("cannot start a process twice");
            if (parent.Daemon && !ReferenceEquals(parent, DefaultRuntime.MainProcess))
                throw new InvalidOperationException("daemonic processes are not allowed to have children");
            context = life.Context ??= Mp.Context;
            _parentName = parent.Name;
            _parentPid = Environment.ProcessId;
            var payload = context.Runtime.Payloads.SerializeChecked(this, $"process '{_name}'");
            life.IsStarted = true;
            ConnectionEnd.HandedTo(_args, this);
            parent.Life.AddChild(this);
            var spawn = (life.Method ?? context.StartMethod) == MpStartMethod.Spawn;
            // On the coordinator the host is picked here, pid and all, when it can be: the next worker node, a spare standing
            // ready. Otherwise the registry picks (binding a spawn process to a host still starting) and Start waits for it.
            var host = spawn ? context.Runtime.SpawnSpares?.Claim() : context.Runtime.WorkerNodes?.Next();
            if (host is not null) life.OnPlaced(host.Pid);
            placedHere = host is not null;
            context.Runtime.Supervisor.Tell(new ProcessSupervisorActor.Launch(this, life, payload, spawn, host?.Name));
        }
        if (placedHere) return;
        try
        {
            await life.Placed.WaitAsync(context.Runtime.Settings.AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Ended (exit code 1) rather than left started with no host: its Join returns, its parent's exit does not wait for it.
            context.Runtime.Supervisor.Tell(new ProcessSupervisorActor.Abandon(life.Id));
            if (e is OperationCanceledException) throw;
            throw new TimeoutException($"process '{_name}' was given no host within ask-timeout ({context.Runtime.Settings.AskTimeout.TotalSeconds:0.#} s): the coordinator did not answer");
        }
    }

    /// <summary>Waits for the process to finish; false if <paramref name="timeout"/> passed first.</summary>
    public bool Join(TimeSpan? timeout = null)
    {
        var exit = CheckJoinable();
        return exit.Wait(timeout ?? Timeout.InfiniteTimeSpan);
    }

    /// <summary>Waits for the process to finish, or throws <see cref="OperationCanceledException"/>.</summary>
    public Task JoinAsync(CancellationToken cancellationToken = default) => CheckJoinable().WaitAsync(cancellationToken);

    /// <summary>Asks the process to stop (SIGTERM): its exit code becomes -15.</summary>
    public void Terminate() => SendSignal(Signals.Term);

    /// <summary>Stops the process at once (SIGKILL): its exit code becomes -9.</summary>
    public void Kill() => SendSignal(Signals.Kill);

    /// <summary>Python's <c>close()</c>: releases the object; every member but <see cref="Name"/> throws afterwards. Throws while the process runs; closing again does nothing.</summary>
    public void Close()
    {
        if (!TryClose())
            throw new InvalidOperationException("Cannot close a process while it is still running. You should first call Join() or Terminate().");
    }

    /// <summary>
    /// As .NET's <c>Process.Dispose</c>: never kills the process, never waits for it, never throws. A process
    /// that is not running (never started, or ended) is closed, as by <see cref="Close"/>. A running one is left
    /// as it is and its object stays usable, where Python's <c>close()</c> raises: its parent still joins or
    /// terminates it when it finishes, so there is nothing to release before it ends.
    /// </summary>
    public void Dispose() => TryClose();

    public override string ToString()
    {
        var life = Life;
        var state = life.IsClosed ? "closed"
            : life.IsRunningHere ? "started"
            : !life.IsStarted ? "initial"
            : life.Exit.IsCompleted ? $"stopped exitcode={life.Exit.Result}"
            : "started";
        return $"<{GetType().Name} name='{_name}' {state}{(_daemon ? " daemon" : "")}>";
    }

    internal void Bind(MpContext context, MpStartMethod method)
    {
        Life.Context = context;
        Life.Method = method;
    }

    private Task<int> CheckJoinable()
    {
        CheckNotClosed();
        var life = Life;
        if (life.IsRunningHere) throw new InvalidOperationException("can only join a child process");
        if (!life.IsStarted) throw new InvalidOperationException("can only join a started process");
        return life.Exit;
    }

    private void SendSignal(int signal)
    {
        CheckNotClosed();
        var life = Life;
        if (!life.IsStarted) throw new InvalidOperationException("can only signal a started process");
        if (life.Exit.IsCompleted) return;
        life.Context!.Runtime.Supervisor.Tell(new ProcessSupervisorActor.Signal(life.Id, signal));
    }

    private bool TryClose()
    {
        var life = Life;
        lock (life) // as Start: a process cannot start between the check and the close
        {
            if (life.IsStarted && !life.Exit.IsCompleted) return false;
            life.IsClosed = true;
            return true;
        }
    }

    private void CheckNotClosed()
    {
        if (Life.IsClosed) throw new InvalidOperationException("process object is closed");
    }
}
