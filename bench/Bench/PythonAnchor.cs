using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Multiprocessing.Bench;

/// <summary>
/// Runs one of the Python comparison scripts in bench/python (process_spawn.py, pipe_pingpong.py, ...) with
/// <c>python3</c> and reads the JSON line it prints last. <see cref="Available"/> is false, with a
/// <see cref="Problem"/> for the report, when the folder or python3 is missing.
/// </summary>
public sealed class PythonAnchor
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(15);

    private PythonAnchor(string? folder, string? version, string? problem)
    {
        Folder = folder;
        Version = version;
        Problem = problem;
    }

    public string? Folder { get; }
    public string? Version { get; }
    public string? Problem { get; }
    public bool Available => Problem is null;

    /// <summary>Checks the folder (the override, or the repo's bench/python) and python3.</summary>
    public static PythonAnchor Locate(string? overrideFolder, string? repoRoot)
    {
        var folder = overrideFolder is not null ? Path.GetFullPath(overrideFolder)
            : repoRoot is not null ? BenchEnvironment.PythonScripts(repoRoot) : null;
        if (folder is null)
            return new PythonAnchor(null, null, "no Actors.sln found above the current directory or the program, so no bench/python (use --python-anchors DIR)");
        if (!Directory.Exists(folder))
            return new PythonAnchor(folder, null, $"the Python scripts folder '{folder}' does not exist");
        try
        {
            var (code, stdout, stderr) = Run(folder, ["-c", "import sys; print(sys.version.split()[0])"], TimeSpan.FromSeconds(30));
            return code == 0
                ? new PythonAnchor(folder, stdout.Trim(), null)
                : new PythonAnchor(folder, null, $"python3 failed (exit {code}): {stderr.Trim()}");
        }
        catch (Win32Exception e)
        {
            return new PythonAnchor(folder, null, $"python3 cannot be started: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="script"/> <paramref name="runs"/> times, one after the other; the numeric fields of each JSON line.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> RunScript(string script, int runs)
    {
        if (!Available) throw new InvalidOperationException(Problem);
        var path = Path.Combine(Folder!, script);
        if (!File.Exists(path)) throw new FileNotFoundException($"Python anchor '{path}' does not exist.", path);
        var results = new List<IReadOnlyDictionary<string, double>>();
        for (var i = 0; i < runs; i++)
        {
            QuietMachine.Wait(script);
            var (code, stdout, stderr) = Run(Folder!, [script], ScriptTimeout);
            if (code != 0) throw new InvalidOperationException($"{script} exited with {code}: {stderr.Trim()}");
            var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InvalidOperationException($"{script} printed nothing.");
            results.Add(NumericFields(line));
        }
        return results;
    }

    /// <summary>The median of <paramref name="field"/> over the runs of a script.</summary>
    public static Stats Field(IReadOnlyList<IReadOnlyDictionary<string, double>> runs, string field) =>
        Stats.Of(runs.Select(r => r.TryGetValue(field, out var v) ? v : throw new KeyNotFoundException($"the anchor printed no '{field}'")));

    private static Dictionary<string, double> NumericFields(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    private static (int Code, string Stdout, string Stderr) Run(string folder, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("python3")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new Win32Exception("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"python3 {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
