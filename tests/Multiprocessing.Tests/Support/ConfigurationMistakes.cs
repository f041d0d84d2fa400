using System.Text;

namespace Multiprocessing.Tests.Support;

/// <summary>HOCON files a user may get wrong (the cases of issue 11), written to a folder of their own, and what their error must name.</summary>
public sealed class ConfigurationMistakes : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mp-config-").FullName;

    /// <summary>Case name, then what the one-line error must name besides the file (the key, or the block).</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "unclosed-brace", "multiprocessing" },
        { "brackets-and-equals", "unexpected '}'" },
        { "unclosed-nested-block", "multiprocessing.pool" },
        { "random-bytes", "not a HOCON file" },
        { "unclosed-list", "multiprocessing.workers" },
        { "workers-lots", "multiprocessing.workers = lots" },
        { "workers-negative", "multiprocessing.workers = -2" },
        { "ask-timeout-banana", "multiprocessing.ask-timeout = banana" },
        { "ask-timeout-zero", "multiprocessing.ask-timeout = 0s" },
        { "port-99999", "akka.remote.dot-netty.tcp.port = 99999" },
        { "missing-file", "no such configuration file" },
    };

    private static byte[] Content(string name) => name switch
    {
        "unclosed-brace" => Text("multiprocessing {\n  workers = 1\n"),
        "brackets-and-equals" => Text("}}}} ]]] = = =\n"),
        "unclosed-nested-block" => Text("akka.loglevel = INFO\nmultiprocessing {\n  workers = 1\n  pool {\n    routees-per-node = 1\n"),
        "random-bytes" => RandomBytes(),
        "unclosed-list" => Text("multiprocessing.workers = [1,\n"),
        "workers-lots" => Text("multiprocessing.workers = lots\n"),
        "workers-negative" => Text("multiprocessing {\n  workers = -2\n}\n"),
        "ask-timeout-banana" => Text("multiprocessing.ask-timeout = banana\n"),
        "ask-timeout-zero" => Text("multiprocessing.ask-timeout = 0s\n"),
        "port-99999" => Text("akka.remote.dot-netty.tcp.port = 99999\n"),
        _ => throw new ArgumentException($"No content for '{name}'."),
    };

    /// <summary>The path of the case's file (written now; "missing-file" names one that does not exist).</summary>
    public string File(string name)
    {
        var path = Path.Combine(_folder, name + ".conf");
        if (name != "missing-file") System.IO.File.WriteAllBytes(path, Content(name));
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] RandomBytes()
    {
        var bytes = new byte[512];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}
