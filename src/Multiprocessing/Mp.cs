using System.Diagnostics.CodeAnalysis;
using Multiprocessing.Hosting;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// The module-level functions of Python's <c>multiprocessing</c>
/// (<c>import multiprocessing as mp</c> reads <c>Mp.</c> here).
/// </summary>
public static class Mp
{
    /// <summary>Starts the coordinator (this process is <c>MainProcess</c>) and its local workers, as HOCON and <paramref name="options"/> say.</summary>
    /// <exception cref="MpUnsupportedPlatformException">This OS is not Linux: nothing is started.</exception>
    /// <exception cref="MpConfigurationException">The configuration is wrong (one line naming the file, line and key).</exception>
    public static Task<MpContext> StartAsync(MpOptions? options = null, CancellationToken cancellationToken = default) =>
        CoordinatorHost.StartAsync(options ?? new MpOptions(), cancellationToken);

    /// <summary>The cluster of this OS process: the coordinator's context, or the worker's own inside a process.</summary>
    public static MpContext Context =>
        DefaultRuntime.CurrentOrOnDemand?.Context ?? throw new InvalidOperationException("No multiprocessing cluster runs here: call Mp.StartAsync() first.");

    /// <summary>The process this code runs in: <c>MainProcess</c> in the coordinator, the started process's object inside it.</summary>
    public static MpProcess CurrentProcess() => ProcessScope.Current?.Process ?? DefaultRuntime.MainProcess;

    /// <summary>The process that started the current one (name and pid), or null in <c>MainProcess</c>.</summary>
    public static MpProcess? ParentProcess()
    {
        var current = CurrentProcess();
        return current.ParentName is { } name ? MpProcess.ForMain(name, current.ParentPid) : null;
    }

    /// <summary>The children of the current process that are still running.</summary>
    public static IReadOnlyList<MpProcess> ActiveChildren() => CurrentProcess().Life.LiveChildren();

    /// <summary>
    /// The logical CPUs this process may run on (<see cref="Environment.ProcessorCount"/>, as <c>nproc</c>): the machine's
    /// (Python's <c>os.cpu_count()</c>) unless an affinity mask or a container's CPU limit leaves it fewer.
    /// </summary>
    public static int CpuCount() => Environment.ProcessorCount;

    /// <summary>Ends the current process with <paramref name="code"/> (Python's <c>sys.exit</c>): it throws <see cref="MpProcessExitException"/>.</summary>
    [DoesNotReturn]
    public static void Exit(int code = 0) => throw new MpProcessExitException(code);
}
