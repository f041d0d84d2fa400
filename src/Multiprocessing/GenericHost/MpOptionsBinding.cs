using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Multiprocessing.GenericHost;

/// <summary>
/// Reads <see cref="MpOptions"/> from a configuration section (appsettings.json, environment variables, the command line),
/// strictly: a key that is no option, or a value of the wrong kind, is refused naming its path, as HOCON mistakes are.
/// </summary>
internal static class MpOptionsBinding
{
    private static readonly string[] Keys =
        [nameof(MpOptions.ConfigFile), nameof(MpOptions.Config), nameof(MpOptions.Workers), nameof(MpOptions.StartMethod), nameof(MpOptions.AuthFile)];

    /// <param name="contentRoot">The host's content root: relative files are found there, as appsettings.json is (null: the current directory).</param>
    public static void Bind(IConfiguration? configuration, string sectionPath, string? contentRoot, MpOptions options)
    {
        if (configuration is null) return;
        foreach (var entry in configuration.GetSection(sectionPath).GetChildren())
        {
            var value = entry.Value ?? throw Refuse(entry, "expected a value, not a section");
            switch (Keys.FirstOrDefault(k => string.Equals(k, entry.Key, StringComparison.OrdinalIgnoreCase)))
            {
                case nameof(MpOptions.ConfigFile): options.ConfigFile = FileIn(contentRoot, value); break;
                case nameof(MpOptions.Config): options.Config = value; break;
                case nameof(MpOptions.AuthFile): options.AuthFile = FileIn(contentRoot, value); break;
                case nameof(MpOptions.Workers):
                    options.Workers = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var workers)
                        ? workers : throw Refuse(entry, "expected a whole number, 0 or more");
                    break;
                case nameof(MpOptions.StartMethod):
                    options.StartMethod = Enum.GetNames<MpStartMethod>().FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)) is { } method
                        ? Enum.Parse<MpStartMethod>(method) : throw Refuse(entry, $"expected {string.Join(" or ", Enum.GetNames<MpStartMethod>())}");
                    break;
                default:
                    throw Refuse(entry, $"no such option; expected {string.Join(", ", Keys)} (any other setting is HOCON, in Config or ConfigFile)");
            }
        }
    }

    private static string? FileIn(string? contentRoot, string path) =>
        path.Length == 0 ? null : contentRoot is null ? path : Path.Combine(contentRoot, path);

    private static MpConfigurationException Refuse(IConfigurationSection entry, string why) =>
        new($"{entry.Path}{(entry.Value is { } value ? " = " + value : "")}: {why}.");
}
