using System.CommandLine;
using Multiprocessing.Hosting;

namespace Multiprocessing.WorkerNode;

/// <summary>
/// The worker's command line for people: help, completion and errors that name the bad option.
/// A valid command line goes on to <see cref="MpWorkerHost.RunAsync"/> as it was given, which reads
/// it again (its parser also serves programs that host a worker themselves).
/// </summary>
internal static class WorkerCommandLine
{
    /// <summary>The flag every host a coordinator launches carries (its stdin is the coordinator's pipe).</summary>
    public const string LaunchedByCoordinator = "--watch-stdin";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("A worker node: joins a coordinator's cluster and runs the work it is sent.")
        {
            new Option<string>("--seed") { Required = true, HelpName = "ADDRESS", Description = "The coordinator's address (akka.ssl.tcp://SYSTEM@HOST:PORT)." },
            new Option<string?>("--auth") { HelpName = "FILE", Description = "The cluster's credentials, made by Coordinator keygen." },
            new Option<string?>("--config") { HelpName = "FILE", Description = "A HOCON file over the embedded defaults (see hocon/worker.conf)." },
            new Option<string[]>("--assembly") { HelpName = "DLL", Description = "An assembly that holds process code (repeat for more)." },
            new Option<string?>("--name") { HelpName = "NAME", Description = "This node's name (default: HOST-PID)." },
            // Set by a coordinator that launches a host, or by tests that act as one: accepted, not shown.
            new Option<string?>("--hocon") { Hidden = true },
            new Option<string[]>("--probe") { Hidden = true },
            new Option<bool>(LaunchedByCoordinator) { Hidden = true, Arity = ArgumentArity.Zero },
            new Option<bool>("--auth-stdin") { Hidden = true, Arity = ArgumentArity.Zero },
            new Option<bool>("--log-records") { Hidden = true, Arity = ArgumentArity.Zero },
            new Option<bool>("--spawn-host") { Hidden = true, Arity = ArgumentArity.Zero },
            new Option<int?>("--connect-ahead-ms") { Hidden = true },
        };
        root.SetAction((_, cancellationToken) => MpWorkerHost.RunAsync(args, cancellationToken));
        // No @file expansion: a value is passed on exactly as given.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // No signal handling of its own: MpWorkerHost's SIGTERM leaves the cluster and exits 0, however long that takes.
        if (parsed.Errors.Count == 0) return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
        Console.Error.WriteLine(MpWorkerHost.Usage);
        return 2;
    }
}
