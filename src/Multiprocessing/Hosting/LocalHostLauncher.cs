using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Multiprocessing.Hosting.Spawn;
using Multiprocessing.Logging;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Hosting;

/// <summary>One host OS process this coordinator started, with the tail of what it printed.</summary>
internal sealed class LaunchedHost(string name, HostKind kind, Process os)
{
    private HostChannel? _channel;

    // Enough of a host's last output to show why it did not start, short enough for an exception's message.
    private const int TailLines = 40;
    private readonly Queue<string> _tail = new();

    public string Name { get; } = name;
    public HostKind Kind { get; } = kind;
    public Process Os { get; } = os;
    public int Pid { get; } = os.Id;

    /// <summary>The frames on a spawn host's stdin and stdout (a worker node's stdout is plain text).</summary>
    public HostChannel Channel => _channel ??= new HostChannel(Os.StandardOutput.BaseStream, Os.StandardInput.BaseStream);

    public void Remember(string line)
    {
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    public string Tail()
    {
        lock (_tail) return _tail.Count == 0 ? "(it printed nothing)" : string.Join(Environment.NewLine, _tail);
    }
}

/// <summary>
/// Starts WorkerNode OS processes on this machine: worker nodes and single-use spawn hosts.
/// Each child's stdin is a pipe from this process: it carries the cluster's credentials first
/// (when security is on), then, to a spawn host, its process; when this process dies, even by
/// SIGKILL, the child reads end-of-file and exits.
/// What a host logs comes back on its stderr as records (<see cref="HostLogRecord"/>), logged here tagged with its name and pid.
/// </summary>
internal sealed class LocalHostLauncher(MpSettings settings, string seedAddress, string? configFile, string? configText, ClusterCredentials? credentials,
    ILoggerFactory loggers)
{
    private readonly List<LaunchedHost> _hosts = [];

    // A killed host exits at once: this only bounds the wait for one the OS is slow to end.
    private static readonly TimeSpan KilledExitWait = TimeSpan.FromSeconds(5);

    public LaunchedHost Launch(string name, HostKind kind, Action<LaunchedHost, int> onExit)
    {
        var start = WorkerCommand();
        start.ArgumentList.Add("--seed");
        start.ArgumentList.Add(seedAddress);
        start.ArgumentList.Add("--name");
        start.ArgumentList.Add(name);
        start.ArgumentList.Add("--watch-stdin");
        start.ArgumentList.Add("--log-records");
        if (credentials is not null) start.ArgumentList.Add(CredentialsHandOver.Flag);
        start.ArgumentList.Add("--probe");
        start.ArgumentList.Add(AppContext.BaseDirectory);
        if (kind == HostKind.SpawnHost)
        {
            start.ArgumentList.Add("--spawn-host");
            if (settings.SpawnConnectAheadAfter is { } after)
            {
                start.ArgumentList.Add("--connect-ahead-ms");
                start.ArgumentList.Add(((int)after.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        // Workers read the coordinator's configuration too: frame size, serializer and timeouts must agree.
        if (configFile is not null)
        {
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(Path.GetFullPath(configFile));
        }
        if (!string.IsNullOrWhiteSpace(configText))
        {
            start.ArgumentList.Add("--hocon");
            start.ArgumentList.Add(configText);
        }
        // Blocks of shared memory whose creator ends are handed to this process (see SharedMemoryTracker).
        start.Environment[SharedMemory.SharedMemoryTracker.CoordinatorVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        var os = new Process { StartInfo = start, EnableRaisingEvents = true };
        os.Start();
        var host = new LaunchedHost(name, kind, os);
        lock (_hosts) _hosts.Add(host);
        if (credentials is not null) HandOver(os, credentials);
        os.ErrorDataReceived += (_, e) => Relay(host, e.Data);
        os.BeginErrorReadLine();
        if (kind == HostKind.Node)
        {
            os.OutputDataReceived += (_, e) => Relay(host, e.Data);
            os.BeginOutputReadLine();
        }
        _ = os.WaitForExitAsync().ContinueWith(_ =>
        {
            lock (_hosts) _hosts.Remove(host);
            onExit(host, os.ExitCode);
        }, TaskScheduler.Default);
        return host;
    }

    public IReadOnlyList<LaunchedHost> Running
    {
        get { lock (_hosts) return [.. _hosts]; }
    }

    /// <summary>Waits until every launched host has exited, killing (process tree included) those still there after <paramref name="grace"/>.</summary>
    public async Task StopAllAsync(TimeSpan grace)
    {
        var running = Running;
        var exited = Task.WhenAll(running.Select(h => h.Os.WaitForExitAsync()));
        if (await Task.WhenAny(exited, Task.Delay(grace)) == exited) return;
        KillAll();
        await Task.WhenAny(exited, Task.Delay(KilledExitWait));
    }

    public void KillAll()
    {
        foreach (var host in Running)
        {
            try { host.Os.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { /* already gone */ }
        }
    }

    private static void HandOver(Process os, ClusterCredentials credentials)
    {
        try
        {
            CredentialsHandOver.Send(os.StandardInput.BaseStream, credentials);
        }
        catch (IOException)
        {
            // It died at start (a broken pipe): its exit is reported with its output, as any early death.
        }
    }

    private void Relay(LaunchedHost host, string? line)
    {
        if (line is null) return;
        var record = HostLogRecord.Parse(line);
        host.Remember(record.Message);
        record.LogTo(loggers, host.Name, host.Pid);
    }

    private ProcessStartInfo WorkerCommand()
    {
        var path = string.IsNullOrEmpty(settings.WorkerExecutable)
            ? DefaultWorker()
            : Path.GetFullPath(settings.WorkerExecutable);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"The worker program '{path}' does not exist: reference the Multiprocessing package (or the WorkerNode project), " +
                "or set multiprocessing.worker.executable.", path);
        if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            return new ProcessStartInfo(path);
        var start = new ProcessStartInfo(DotnetHost.Path);
        start.ArgumentList.Add(path);
        return start;
    }

    // WorkerNode's build also leaves a ReadyToRun (precompiled) copy of itself and its dependencies
    // in r2r/RID/: it starts with a fraction of the JIT work. It is built for the building machine's
    // runtime identifier (a package's: the packing machine's), so on another one (say arm64) the
    // plain WorkerNode.dll next to us runs instead.
    private static string DefaultWorker()
    {
        var precompiled = Path.Combine(AppContext.BaseDirectory, "r2r", RuntimeInformation.RuntimeIdentifier, "WorkerNode.dll");
        return File.Exists(precompiled) ? precompiled : Path.Combine(AppContext.BaseDirectory, "WorkerNode.dll");
    }
}
