using System.Text;
using Akka.Configuration;

namespace Multiprocessing.Runtime;

/// <summary>
/// Builds a node's configuration: overrides, then the user's HOCON file, then the embedded reference.conf.
/// Each layer is read strictly (<see cref="HoconSyntax"/>) and its settings checked (<see cref="MpConfigRules"/>):
/// anything wrong throws <see cref="MpConfigurationException"/> naming the file or <c>MpOptions</c>.
/// </summary>
internal static class MpConfig
{
    /// <summary>How errors in the overrides (MpOptions.Config, Workers, StartMethod) name their source.</summary>
    private const string OverridesSource = "MpOptions";

    private static readonly Lazy<Config> Reference = new(() =>
    {
        using var stream = typeof(MpConfig).Assembly.GetManifestResourceStream("Multiprocessing.reference.conf")
            ?? throw new InvalidOperationException("The embedded reference.conf is missing from the Multiprocessing assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Config Load(string? configFile, string? overrides = null)
    {
        var config = Reference.Value;
        if (!string.IsNullOrEmpty(configFile))
            config = Parse(ReadFile(configFile), configFile).WithFallback(config);
        if (!string.IsNullOrWhiteSpace(overrides))
            config = Parse(overrides, OverridesSource).WithFallback(config);
        return config;
    }

    /// <summary>Quotes a value for HOCON (paths and addresses contain ':' and '/').</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static Config Parse(string text, string source)
    {
        var lines = HoconSyntax.Check(text, source);
        Config layer;
        try
        {
            layer = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e)
        {
            // What the strict check lets through Akka still refuses in its own ways (an unresolved
            // substitution, ...), with several exception types: each is the user's mistake.
            throw new MpConfigurationException($"{source}: {e.Message.Split('\n')[0].TrimEnd('.')}.", e);
        }
        MpConfigRules.Check(layer, source, lines);
        return layer;
    }

    private static string ReadFile(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MpConfigurationException($"{file}: no such configuration file.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpConfigurationException($"{file}: cannot read the configuration file: {e.Message}", e);
        }
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            return text.TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new MpConfigurationException($"{file}: not a HOCON file (it is not UTF-8 text).", e);
        }
    }
}
