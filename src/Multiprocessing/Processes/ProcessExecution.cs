using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Processes;

/// <summary>
/// How a process runs on its host, whatever the host: rebuild the object, make it the current
/// process, run it, turn the outcome into Python's exit code, settle its children, flush its output.
/// </summary>
internal static class ProcessExecution
{
    /// <param name="entered">Told the scope once the process runs (a runner needs it to silence a terminated process).</param>
    /// <returns>The exit code: 0, 1 after an exception (its trace emitted on stderr), or the code of <see cref="Mp.Exit"/>.</returns>
    public static int Run(string name, Func<MpProcess> rebuild, Action<OutputLine> emit, Action<ProcessScope>? entered = null)
    {
        MpProcess process;
        try
        {
            process = rebuild();
        }
        catch (Exception e)
        {
            // The process could not even be rebuilt here (a missing assembly, a type the host refuses).
            emit(new OutputLine($"{name}: {e.Message}", true));
            return 1;
        }

        var life = process.Life;
        life.IsRunningHere = life.IsStarted = true;
        life.OnPlaced(Environment.ProcessId);
        var scope = new ProcessScope(process, emit);
        ProcessScope.Enter(scope);
        entered?.Invoke(scope);

        int exitCode;
        try
        {
            process.Run();
            exitCode = 0;
        }
        catch (MpProcessExitException exit)
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
        Blocking.Wait(() => ChildProcesses.FinishAtExitAsync(life, CancellationToken.None));
        try
        {
            Blocking.Wait(() => EndAsync(process));
        }
        catch (Exception e)
        {
            // What was put could not be delivered: the process did not end well.
            scope.Write($"{process.Name}: {e.Message}\n", isError: true);
            exitCode = exitCode == 0 ? 1 : exitCode;
        }
        scope.Flush();
        return exitCode;
    }

    /// <summary>
    /// The end of a process, whether its code returned or it was terminated while its thread still
    /// runs: its exit hooks settle what it used (puts land, lent queue items go back, pipe ends return),
    /// then its tokens end, so that what it still held is released as abandoned. Each part runs once.
    /// </summary>
    public static async Task EndAsync(MpProcess process)
    {
        try
        {
            await process.Life.RunExitHooksAsync();
        }
        finally
        {
            await Sync.ProcessToken.End(process);
        }
    }
}
