namespace Multiprocessing.Bench;

/// <summary>The command line: <c>--runs N --out FILE --python-anchors DIR --only NAME</c>.</summary>
public sealed record BenchOptions
{
    public const string Usage =
        "usage: Bench [--runs N] [--out FILE] [--python-anchors DIR] [--only NAME]\n" +
        "  --runs N              repetitions of every measurement, medians reported (default 5)\n" +
        "  --out FILE            the markdown report (default docs/BENCHMARKS.md under the repo root)\n" +
        "  --python-anchors DIR  folder of the Python comparison scripts (default: bench/python under the repo root)\n" +
        "  --only NAME           run one benchmark only: ";

    public int Runs { get; init; } = 5;
    public string? Out { get; init; }
    public string? PythonAnchors { get; init; }
    public string? Only { get; init; }
    public IReadOnlyList<string> Raw { get; init; } = [];

    /// <summary>Parses <paramref name="args"/>; null (and <paramref name="error"/>) when they are not understood.</summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        var options = new BenchOptions { Raw = args };
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value()
            {
                if (i + 1 >= args.Length) throw new FormatException($"{args[i]} needs a value");
                return args[++i];
            }
            try
            {
                switch (args[i])
                {
                    case "--runs":
                        var runs = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture);
                        if (runs < 1) throw new FormatException("--runs must be at least 1");
                        options = options with { Runs = runs };
                        break;
                    case "--out": options = options with { Out = Value() }; break;
                    case "--python-anchors": options = options with { PythonAnchors = Value() }; break;
                    case "--only": options = options with { Only = Value() }; break;
                    default: throw new FormatException($"unknown argument '{args[i]}'");
                }
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }
        return options;
    }
}
