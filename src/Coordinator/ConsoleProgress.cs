using Spectre.Console;

namespace Multiprocessing.Coordinator;

/// <summary>
/// A Map's progress on the console: a Spectre.Console bar when the output is a terminal,
/// otherwise a plain line at every tenth of the way (logs and pipes get no control characters).
/// </summary>
internal static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/>, showing what it reports; returns its result.</summary>
    public static async Task<T> ShowAsync<T>(string description, Func<IProgress<MpPoolProgress>, Task<T>> work)
    {
        if (Console.IsOutputRedirected) return await work(new PlainLines(Console.Out));
        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(context => work(new Bar(context.AddTask(description, maxValue: 1))));
    }

    private sealed class Bar(ProgressTask task) : IProgress<MpPoolProgress>
    {
        public void Report(MpPoolProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Completed;
        }
    }

    private sealed class PlainLines(TextWriter output) : IProgress<MpPoolProgress>
    {
        private int _lastTenth = -1;

        public void Report(MpPoolProgress value)
        {
            if (value.Total == 0) return;
            var tenth = (int)(value.Completed * 10L / value.Total);
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            output.WriteLine($"progress: {value.Completed}/{value.Total} ({value.Completed * 100L / value.Total}%)");
        }
    }
}
