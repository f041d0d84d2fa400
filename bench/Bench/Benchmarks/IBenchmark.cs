namespace Multiprocessing.Bench.Benchmarks;

/// <summary>What every benchmark is given: the options and the Python anchor runner.</summary>
public sealed record BenchRun(BenchOptions Options, PythonAnchor Python)
{
    public int Runs => Options.Runs;

    /// <summary>Progress goes to stderr so that stdout carries only the tables.</summary>
    public static void Log(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");
}

/// <summary>One benchmark: measures and returns its section of the report.</summary>
public interface IBenchmark
{
    /// <summary>The name <c>--only</c> selects it by.</summary>
    string Name { get; }

    Task<Section> RunAsync(BenchRun run);
}
