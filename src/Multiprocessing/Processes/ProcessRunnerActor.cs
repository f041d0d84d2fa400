using Akka.Actor;
using Akka.Event;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Processes;

/// <summary>
/// Runs one actor-mode process on a worker node, on a <see cref="UserCodeThread"/> of its own.
/// </summary>
internal sealed class ProcessRunnerActor : ReceiveActor
{
    private readonly RunProcess _run;
    private readonly NodeRuntime _runtime;
    private IActorRef _self = ActorRefs.Nobody;
    private Thread? _thread;
    private volatile ProcessScope? _scope;
    private int _reported;

    public ProcessRunnerActor(RunProcess run, NodeRuntime runtime)
    {
        _run = run;
        _runtime = runtime;

        // A thread of a shared node cannot be killed: silence it, wake it, and report it gone.
        Receive<SignalProcess>(signal =>
        {
            _scope?.Detach();
            // What it borrowed goes back and what it held is abandoned now, not when its thread ends.
            if (_scope is { } scope)
            {
                var log = Context.GetLogger();
                _ = ProcessExecution.EndAsync(scope.Process).ContinueWith(
                    ended => log.Warning(ended.Exception, "{0} was terminated; settling what it used failed", _run.Name),
                    TaskContinuationOptions.OnlyOnFaulted);
            }
            // Reported before its thread is woken: woken first, the thread could end with its own exit code (1, for the
            // ThreadInterruptedException) before the signal's is reported (seen once in a full run).
            Report(-signal.Signal);
            _thread?.Interrupt();
        });

        Receive<ProcessExitAck>(_ => Context.Stop(Self));
    }

    protected override void PreStart()
    {
        _self = Self;
        _thread = UserCodeThread.Start(Context.System, _run.Name, Execute, onFault: () => Report(1));
    }

    private void Execute()
    {
        var self = _self;
        var supervisor = _run.Supervisor;
        supervisor.Tell(new ProcessStarted(_run.ProcessId, Environment.ProcessId, _runtime.HostName), self);
        var exitCode = ProcessExecution.Run(
            _run.Name,
            () => (MpProcess)_runtime.Payloads.Deserialize(_run.Process, $"process '{_run.Name}'"),
            line => supervisor.Tell(line, self),
            scope => _scope = scope);
        Report(exitCode);
    }

    private void Report(int exitCode)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
            _run.Supervisor.Tell(new ProcessExited(_run.ProcessId, exitCode), _self);
    }

    public static Props Props(RunProcess run, NodeRuntime runtime) =>
        Akka.Actor.Props.Create(() => new ProcessRunnerActor(run, runtime));
}
