namespace Multiprocessing.Bench.Benchmarks;

/// <summary>What every benchmark is given: the options and the Python anchor runner.</summary>
public sealed record BenchRun(BenchOptions Options, PythonAnchor Python)
{
    public int Runs => Options.Runs;

    /// <summary>Progress goes to stderr so that stdout carries only the tables.</summary>
    public static void Log(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>
    /// Runs a Python anchor script <see cref="Runs"/> times; null and an error (for the report's
    /// notes) when Python is not available or the script failed.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>>? RunPython(string script, out string? error)
    {
        error = null;
        if (!Python.Available)
        {
            error = Python.Problem;
            return null;
        }
        Log($"python {script} x{Runs}");
        try
        {
            return Python.RunScript(script, Runs);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or KeyNotFoundException or System.Text.Json.JsonException)
        {
            error = e.Message;
            Log($"python anchor failed: {e.Message}");
            return null;
        }
    }
}

/// <summary>One benchmark: measures and returns its section of the report.</summary>
public interface IBenchmark
{
    /// <summary>The name <c>--only</c> selects it by.</summary>
    string Name { get; }

    Task<Section> RunAsync(BenchRun run);
}
