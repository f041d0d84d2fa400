using System.CommandLine;
using Spectre.Console;

namespace Multiprocessing.Coordinator;

/// <summary>
/// <c>Coordinator status [--seed ADDRESS] [--auth FILE]</c>: a running cluster's nodes, processes and pools,
/// read as a client that holds the cluster's credentials (it never joins). Refreshed every second on a
/// terminal until Ctrl+C; printed once otherwise.
/// </summary>
internal static class StatusCommand
{
    public const string Usage = "       Coordinator status [--seed ADDRESS] [--auth FILE]";
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var seed = new Option<string>("--seed")
        {
            HelpName = "ADDRESS", Description = $"The coordinator's address (default {MpStatusClient.DefaultSeed}, hocon/cluster.conf's).",
            DefaultValueFactory = _ => MpStatusClient.DefaultSeed,
        };
        var auth = ClusterArguments.Auth();
        var command = new Command("status", "Show a running cluster's nodes, processes and pools.") { seed, auth };
        command.SetAction(parsed => RunAsync(parsed.GetRequiredValue(seed), parsed.GetValue(auth)));
        return command;
    }

    private static async Task<int> RunAsync(string seed, string? authFile)
    {
        await using var client = MpStatusClient.Connect(seed, authFile);
        try
        {
            var status = await client.GetAsync();
            if (Console.IsOutputRedirected)
            {
                StatusView.WritePlain(status, Console.Out);
                return 0;
            }
            using var quit = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true; // leave the live view cleanly rather than die in it
                quit.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                await AnsiConsole.Live(StatusView.Render(status, seed)).StartAsync(async live =>
                {
                    using var timer = new PeriodicTimer(Refresh);
                    while (await NextTickAsync(timer, quit.Token))
                    {
                        live.UpdateTarget(StatusView.Render(await client.GetAsync(quit.Token), seed));
                        live.Refresh();
                    }
                });
            }
            catch (OperationCanceledException) when (quit.IsCancellationRequested)
            {
                // Ctrl+C: the user is done watching.
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            return 0;
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"status: {e.Message}");
            return 1;
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false; // Ctrl+C between two refreshes
        }
    }
}
