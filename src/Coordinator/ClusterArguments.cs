namespace Multiprocessing.Coordinator;

/// <summary>The options every coordinator command takes: <c>--workers N</c>, <c>--config FILE</c> and <c>--auth FILE</c>.</summary>
internal static class ClusterArguments
{
    /// <summary>Takes the option at <paramref name="i"/> (and its value) into <paramref name="options"/>; false if it is not one of them or incomplete.</summary>
    public static bool TryTake(string[] args, ref int i, ref MpOptions options)
    {
        switch (args[i])
        {
            case "--workers" when i + 1 < args.Length && int.TryParse(args[i + 1], out var workers) && workers >= 0:
                options = options with { Workers = workers };
                i++;
                return true;
            case "--config" when i + 1 < args.Length:
                options = options with { ConfigFile = args[++i] };
                return true;
            case "--auth" when i + 1 < args.Length:
                options = options with { AuthFile = args[++i] };
                return true;
            default:
                return false;
        }
    }
}
