using Akka.Configuration;

namespace Multiprocessing.Runtime;

/// <summary>Builds a node's configuration: overrides, then the user's HOCON file, then the embedded reference.conf.</summary>
internal static class MpConfig
{
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
        {
            if (!File.Exists(configFile))
                throw new FileNotFoundException($"Configuration file '{configFile}' does not exist.", configFile);
            config = ConfigurationFactory.ParseString(File.ReadAllText(configFile)).WithFallback(config);
        }
        if (!string.IsNullOrWhiteSpace(overrides))
            config = ConfigurationFactory.ParseString(overrides).WithFallback(config);
        return config;
    }

    /// <summary>Quotes a value for HOCON (paths and addresses contain ':' and '/').</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
