using Multiprocessing.Bench;
using Multiprocessing.Bench.Benchmarks;

// The echo benchmark runs this program a second time as its echo server.
if (args is [RemoteEchoBenchmark.ServerArgument, .. var auth]) return await RemoteEchoBenchmark.RunServerAsync(auth.FirstOrDefault());

IBenchmark[] benchmarks = [new ClusterReadyBenchmark(), new ProcessStartBenchmark(), new QueueThroughputBenchmark(), new PipePingPongBenchmark(), new RemoteEchoBenchmark(), new LockRoundTripBenchmark(), new ValueLockBenchmark(), new SharedMemorySumBenchmark(), new LargePayloadBenchmark(), new PoolBenchmark(), new ManagerBenchmark(), new ManagerFailoverBenchmark(), new SecurityCostBenchmark()];
var names = string.Join(", ", benchmarks.Select(b => b.Name));

var options = BenchOptions.Parse(args, out var error);
if (options is null || (options.Only is { } only && benchmarks.All(b => b.Name != only)))
{
    Console.Error.WriteLine(error ?? $"unknown benchmark '{options?.Only}'");
    Console.Error.WriteLine(BenchOptions.Usage + names);
    return 2;
}

string outFile;
string? repoRoot = null;
if (options.Out is not null)
{
    outFile = Path.GetFullPath(options.Out);
}
else
{
    repoRoot = BenchEnvironment.FindRepoRoot();
    outFile = Path.Combine(repoRoot, "docs", "BENCHMARKS.md");
}
repoRoot ??= TryRepoRoot();

BenchRun.Log($"load average: {BenchEnvironment.LoadAverage() ?? "unknown"} on {Environment.ProcessorCount} cores");
var python = PythonAnchor.Locate(options.PythonAnchors, repoRoot);
BenchRun.Log(python.Available ? $"Python {python.Version}, scripts in {python.Folder}" : $"Python skipped: {python.Problem}");

var report = new Report
{
    Date = DateTimeOffset.UtcNow,
    Machine = BenchEnvironment.Machine(),
    Command = "dotnet run -c Release --project bench/Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : ""),
    Runs = options.Runs,
    LoadBefore = BenchEnvironment.LoadAverage(),
    PythonVersion = python.Version,
    PythonProblem = python.Problem,
};
var run = new BenchRun(options, python);
foreach (var benchmark in benchmarks.Where(b => options.Only is null || b.Name == options.Only))
{
    BenchRun.Log($"benchmark {benchmark.Name}");
    var section = await benchmark.RunAsync(run);
    report.Sections.Add(section);
    Console.WriteLine($"## {section.Heading}");
    Console.WriteLine();
    Console.Write(MarkdownWriter.Table(section.Rows));
    Console.WriteLine();
}

report.LoadAfter = BenchEnvironment.LoadAverage();
if (report.LoadBefore is not null) BenchRun.Log($"load average: start {report.LoadBefore}, end {report.LoadAfter}");
Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
await File.WriteAllTextAsync(outFile, MarkdownWriter.Render(report));
BenchRun.Log($"wrote {outFile}");
return 0;

static string? TryRepoRoot()
{
    try { return BenchEnvironment.FindRepoRoot(); }
    catch (DirectoryNotFoundException) { return null; }
}
