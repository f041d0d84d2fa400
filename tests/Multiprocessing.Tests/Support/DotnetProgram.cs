using System.Diagnostics;
using System.Text;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Support;

/// <summary>Runs one of the solution's programs (Coordinator, WorkerNode) from the test folder, or any dotnet command, as a real OS process.</summary>
public sealed class DotnetProgram : IDisposable
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();

    private DotnetProgram(Process process)
    {
        Process = process;
    }

    public Process Process { get; }
    public string Output { get { lock (_out) return _out.ToString(); } }
    public string Error { get { lock (_error) return _error.ToString(); } }

    public static DotnetProgram Start(string program, params string[] args) =>
        Dotnet([Path.Combine(AppContext.BaseDirectory, program + ".dll"), .. args]);

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="directory"/>; <paramref name="environment"/> sets variables (null: removes them).</summary>
    public static DotnetProgram Dotnet(IEnumerable<string> args, string? directory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? "",
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        process.Start();
        var program_ = new DotnetProgram(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (program_._out) program_._out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (program_._error) program_._error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program_;
    }

    /// <summary>Waits for the program to exit and returns its exit code; kills it and fails after <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            OsProcesses.KillTree(Process);
            throw new TimeoutException($"The program did not exit within {timeout}. Output:\n{Output}\nError:\n{Error}");
        }
        Process.WaitForExit(); // drains the output readers
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited) OsProcesses.KillTree(Process);
        Process.Dispose();
    }
}
