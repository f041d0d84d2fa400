namespace Multiprocessing.Coordinator;

/// <summary>
/// A Map's progress on the console: a bar redrawn on one line when the output is a terminal,
/// otherwise a plain line at every tenth of the way (logs and pipes get no control characters).
/// </summary>
internal sealed class ConsoleProgress(TextWriter output, bool drawBar) : IProgress<MpPoolProgress>
{
    private const int Width = 30;
    private int _lastTenth = -1;
    private bool _drawn;

    public void Report(MpPoolProgress value)
    {
        if (value.Total == 0) return;
        var fraction = (double)value.Completed / value.Total;
        var percent = value.Completed * 100L / value.Total;
        if (drawBar)
        {
            var filled = (int)(fraction * Width);
            output.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% {value.Completed}/{value.Total}");
            _drawn = true;
            return;
        }
        var tenth = (int)(value.Completed * 10L / value.Total);
        if (tenth == _lastTenth) return;
        _lastTenth = tenth;
        output.WriteLine($"progress: {value.Completed}/{value.Total} ({percent}%)");
    }

    /// <summary>Ends the bar's line, so what follows starts on a line of its own.</summary>
    public void Finish()
    {
        if (_drawn) output.WriteLine();
    }
}
