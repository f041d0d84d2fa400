namespace Multiprocessing.Examples.WorkerService;

/// <summary>Squares the numbers of each line of standard input on the default pool and prints them; at the end of the input it stops the host.</summary>
internal sealed class SquaresService(MpPool pool, IHostApplicationLifetime lifetime, ILogger<SquaresService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var input = new StreamReader(Console.OpenStandardInput());
        // A read of the console ignores cancellation; the wait for it does not (SIGTERM, Ctrl+C).
        while (await input.ReadLineAsync(stoppingToken).AsTask().WaitAsync(stoppingToken) is { } line)
        {
            var numbers = new List<int>();
            foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(word, out var number)) numbers.Add(number);
                else log.LogWarning("Skipped '{Word}': not a whole number", word);
            }
            var squares = await pool.MapAsync(Square, numbers, cancellationToken: stoppingToken);
            Console.WriteLine(string.Join(' ', squares));
        }
        lifetime.StopApplication();
    }

    // Runs on a worker node: a static method travels by name.
    private static int Square(int x) => x * x;
}
