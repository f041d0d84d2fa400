using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Multiprocessing.Tests.Support;
using Xunit.Abstractions;

namespace Multiprocessing.Tests.Packaging;

/// <summary>
/// The package as a user meets it: packed from this build into a local feed, referenced by a fresh
/// console app (one PackageReference) outside the repository, which is built and run.
/// </summary>
public sealed class PackageTests(ITestOutputHelper log) : IDisposable
{
    // Restore extracts it into this test's own folder (NUGET_PACKAGES below), so the version need not be unique.
    private const string Version = "0.0.0-packagingtest";

    private readonly string _dir = Directory.CreateTempSubdirectory("mp-package-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_console_app_with_one_PackageReference_runs_a_process_and_a_pool_map_in_worker_processes()
    {
        // A step still running at its timeout is killed with its process tree; together they stay
        // under .ci/run's 5-minute hang timeout.
        var feed = Path.Combine(_dir, "feed");
        var app = Path.Combine(_dir, "app");
        // What this test run built (src/*/bin/CONFIGURATION), packed without building it again.
        Run("pack", TimeSpan.FromMinutes(1), null, "pack", Path.Combine(RepositoryRoot(), "src", "Multiprocessing"),
            "--no-build", "-c", Configuration, $"-p:Version={Version}", "-o", feed, "--disable-build-servers");
        WriteApp(app, feed);
        // -warnaserror: a package that makes its user's build warn is broken too.
        Run("restore and build", TimeSpan.FromMinutes(2.5), app, "build", "-warnaserror", "--disable-build-servers");

        var output = Path.Combine(app, "bin", "Debug", "net10.0");
        // The plain host, which runs where the precompiled copy does not fit (another runtime identifier).
        foreach (var file in new[] { "WorkerNode.dll", "WorkerNode.runtimeconfig.json", "WorkerNode.deps.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is not in the app's output");

        var lines = Run("run", TimeSpan.FromMinutes(1), app, Path.Combine(output, "App.dll"))
            .Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var parent = int.Parse(Value(lines, "parent pid="));
        var child = Value(lines, "child pid=").Split(' ');
        Assert.NotEqual(parent, int.Parse(child[0]));
        // The child ran in the package's precompiled worker host, copied next to the app.
        Assert.Equal(Path.Combine(output, "r2r", RuntimeInformation.RuntimeIdentifier) + "/", child[1]);
        var map = Value(lines, "map=").Split(',').Select(r => r.Split('@')).ToList();
        Assert.Equal(["1", "4", "9", "16"], map.Select(r => r[0]));
        Assert.DoesNotContain(parent.ToString(), map.Select(r => r[1]));

        // Its workers leave with it.
        Assert.True(OsProcesses.WaitUntil(() => OsProcesses.WorkersWith(output).Count == 0, TimeSpan.FromSeconds(10)),
            "worker processes outlived the app");
    }

    private void WriteApp(string app, string feed)
    {
        Directory.CreateDirectory(app);
        // Nothing above the app (a Directory.Build.props or Directory.Packages.props in /tmp) leaks into it.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(app, file), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Multiprocessing" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Multiprocessing;

            await using var mp = await Mp.StartAsync();
            var child = mp.Process(() => Console.WriteLine($"child pid={Environment.ProcessId} {AppContext.BaseDirectory}"));
            child.Start();
            child.Join();
            Console.WriteLine($"parent pid={Environment.ProcessId}");
            await using var pool = mp.Pool(2);
            Console.WriteLine("map=" + string.Join(",", pool.Map(x => $"{x * x}@{Environment.ProcessId}", Enumerable.Range(1, 4))));
            """);
        // Multiprocessing only from the local feed, the rest from nuget.org unless the machine's package
        // cache (read-only here) has it already.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="Multiprocessing" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{MachinePackages()}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    private string Run(string step, TimeSpan timeout, string? directory, params string[] args)
    {
        var watch = Stopwatch.StartNew();
        using var dotnet = DotnetProgram.Dotnet(args, directory, ChildEnvironment());
        var code = dotnet.WaitForExit(timeout);
        log.WriteLine($"{step}: {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(code == 0, $"{step} exited with {code}:\n{dotnet.Output}\n{dotnet.Error}");
        return dotnet.Output;
    }

    private Dictionary<string, string?> ChildEnvironment()
    {
        // dotnet test runs us under MSBuild, whose variables (MSBuildSDKsPath...) would steer the child's.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(name => name, string? (_) => null);
        environment["NUGET_PACKAGES"] = Path.Combine(_dir, "packages");
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return environment;
    }

    private static string Value(List<string> lines, string prefix) =>
        lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
        ?? throw new Xunit.Sdk.XunitException($"no line starts with '{prefix}' in:\n{string.Join('\n', lines)}");

    private static string Configuration =>
        typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Actors.sln above {AppContext.BaseDirectory}");
    }

    // Where restore put the packages this repository uses (the tests' own included).
    private static string MachinePackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
