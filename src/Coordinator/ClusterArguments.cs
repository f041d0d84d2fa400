using System.CommandLine;

namespace Multiprocessing.Coordinator;

/// <summary>The options every command that starts a cluster takes: <c>--workers N</c>, <c>--config FILE</c> and <c>--auth FILE</c>.</summary>
internal sealed class ClusterArguments
{
    private readonly Option<int?> _workers = CommandLineRules.AtLeast(
        new Option<int?>("--workers") { Description = "Local worker nodes to start (multiprocessing.workers).", HelpName = "N" }, 0);

    private readonly Option<string?> _config = new("--config")
    {
        Description = "A HOCON file over the embedded defaults (see hocon/).", HelpName = "FILE",
    };

    /// <summary>Also the status command's: the credentials it proves the cluster's with.</summary>
    public static Option<string?> Auth() => new("--auth")
    {
        Description = "The cluster's credentials, made by keygen (needed beyond loopback).", HelpName = "FILE",
    };

    private readonly Option<string?> _auth = Auth();

    public void AddTo(Command command)
    {
        command.Options.Add(_workers);
        command.Options.Add(_config);
        command.Options.Add(_auth);
    }

    public MpOptions Read(ParseResult parsed) => new()
    {
        Workers = parsed.GetValue(_workers),
        ConfigFile = parsed.GetValue(_config),
        AuthFile = parsed.GetValue(_auth),
    };
}
