using Akka.Actor;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Processes;

/// <summary>
/// Runs one process on its host. The user's code gets a dedicated thread of its own, never a
/// dispatcher thread, so a busy or blocking target cannot starve heartbeats and gossip.
/// </summary>
internal sealed class ProcessRunnerActor : ReceiveActor
{
    private readonly RunProcess _run;
    private readonly NodeRuntime _runtime;
    private readonly Action? _singleUseDone;
    private IActorRef _self = ActorRefs.Nobody;
    private Thread? _thread;
    private ProcessScope? _scope;
    private int _reported;

    /// <param name="singleUseDone">Set on a single-use host: called once the exit was acknowledged, to end the OS process.</param>
    public ProcessRunnerActor(RunProcess run, NodeRuntime runtime, Action? singleUseDone)
    {
        _run = run;
        _runtime = runtime;
        _singleUseDone = singleUseDone;

        Receive<SignalProcess>(signal =>
        {
            if (_singleUseDone is not null)
            {
                // This OS process is the process: deliver the real signal to it.
                Signals.Send(Environment.ProcessId, signal.Signal);
                return;
            }
            // A thread of a shared node cannot be killed: silence it, wake it, and report it gone.
            _scope?.Detach();
            _thread?.Interrupt();
            Report(-signal.Signal);
        });

        Receive<ProcessExitAck>(_ =>
        {
            if (_singleUseDone is not null) _singleUseDone();
            else Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        _self = Self;
        _thread = new Thread(Execute) { IsBackground = true, Name = _run.Name };
        _thread.Start();
    }

    private void Execute()
    {
        var self = _self;
        var supervisor = _run.Supervisor;
        supervisor.Tell(new ProcessStarted(_run.ProcessId, Environment.ProcessId, _runtime.HostName), self);
        var fallbackScope = new ProcessScope(MpProcess.ForMain(_run.Name), line => supervisor.Tell(line, self));
        int exitCode;
        try
        {
            var process = (MpProcess)_runtime.Payloads.Deserialize(_run.Payload, $"process '{_run.Name}'");
            var life = ProcessLife.Of(process);
            life.Context = _runtime.Context;
            life.IsRunningHere = life.IsStarted = true;
            life.OnStarted(Environment.ProcessId);
            _scope = new ProcessScope(process, line => supervisor.Tell(line, self));
            ProcessScope.Enter(_scope);
            exitCode = RunToCompletion(process, _scope);
        }
        catch (Exception e)
        {
            // The process could not even be rebuilt here (a missing assembly, a type the host refuses).
            fallbackScope.Write($"{_run.Name}: {e.Message}\n", isError: true);
            exitCode = 1;
        }
        Report(exitCode);
    }

    private static int RunToCompletion(MpProcess process, ProcessScope scope)
    {
        int exitCode;
        try
        {
            process.Run();
            exitCode = 0;
        }
        catch (ProcessExitException exit)
        {
            exitCode = exit.Code;
        }
        catch (Exception e)
        {
            // Python prints the child's traceback on stderr; here every line names the process.
            var prefix = process.Name + ": ";
            scope.Write(string.Concat(e.ToString().Split('\n').Select(l => prefix + l.TrimEnd('\r') + "\n")), isError: true);
            exitCode = 1;
        }
        ChildProcesses.FinishAtExitAsync(ProcessLife.Of(process), CancellationToken.None).GetAwaiter().GetResult();
        scope.Flush();
        return exitCode;
    }

    private void Report(int exitCode)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
            _run.Supervisor.Tell(new ProcessExited(_run.ProcessId, exitCode), _self);
    }

    public static Props Props(RunProcess run, NodeRuntime runtime, Action? singleUseDone) =>
        Akka.Actor.Props.Create(() => new ProcessRunnerActor(run, runtime, singleUseDone));
}
