using System.CommandLine;
using Multiprocessing.Coordinator.Demos;

namespace Multiprocessing.Coordinator;

/// <summary>The coordinator's command line: <c>demo [NAME...]</c>, <c>map COUNT</c>, <c>keygen FILE</c>, <c>status</c>.</summary>
internal static class CoordinatorCli
{
    private static string Usage(IEnumerable<string> demos) =>
        $"usage: Coordinator demo [{string.Join('|', demos)}|all] [--workers N] [--config FILE] [--auth FILE]\n" +
        PoolMapCommand.Usage + "\n" + KeygenCommand.Usage + "\n" + StatusCommand.Usage + "\n" +
        "Run 'Coordinator COMMAND --help' for what each option means.";

    public static async Task<int> RunAsync(string[] args)
    {
        var demoNames = DemoCatalog.Select([]).Select(d => d.Name).ToArray();
        var root = new RootCommand("The coordinator of a Multiprocessing cluster: the notebook's demos, a long map, credentials, a running cluster's status.")
        {
            DemoCommand(demoNames), PoolMapCommand.Create(), KeygenCommand.Create(), StatusCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Parse errors are the user's: each names the bad token, then the usage; exit 2 as before.
            foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine(Usage(demoNames));
            return 2;
        }
        try
        {
            // No signal handling or exception printing of its own: Ctrl+C ends the coordinator as before (its hosts
            // see their stdin close), and a configuration mistake is caught below.
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is MpConfigurationException or MpUnsupportedPlatformException)
        {
            // The user's mistake (a security setting among them) or an OS we do not run on, named in one line: no stack trace.
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static Command DemoCommand(string[] demoNames)
    {
        var names = new Argument<string[]>("NAME") { Description = "The notebook's sections to run (default: all).", Arity = ArgumentArity.ZeroOrMore };
        names.AcceptOnlyFromAmong([.. demoNames, "all"]);
        var cluster = new ClusterArguments();
        var command = new Command("demo", "Run the notebook's sections 2 to 6 on a local cluster.") { names };
        cluster.AddTo(command);
        command.SetAction((parsed, cancellationToken) => RunDemosAsync(parsed.GetValue(names) ?? [], cluster.Read(parsed), cancellationToken));
        return command;
    }

    private static async Task<int> RunDemosAsync(string[] names, MpOptions options, CancellationToken cancellationToken)
    {
        var demos = DemoCatalog.Select(names);
        var missing = demos.Where(d => d.Run is null).Select(d => d.Name).ToList();
        if (missing.Count > 0)
        {
            // Named explicitly, a missing section is an error; within "all" it is skipped with a note.
            var all = names.Length == 0 || names.Contains("all");
            Console.Error.WriteLine($"Not available yet: {string.Join(", ", missing)} (its issue has not landed).");
            if (!all) return 3;
            demos = [.. demos.Where(d => d.Run is not null)];
        }

        await using var mp = await Mp.StartAsync(options, cancellationToken);
        foreach (var demo in demos)
        {
            Console.WriteLine($"=== {demo.Title} ===");
            await demo.Run!(mp);
            Console.WriteLine();
        }
        return 0;
    }
}
