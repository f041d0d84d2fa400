using Multiprocessing.Runtime;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Hosting;

/// <summary>The worked examples under hocon/ say what the README says they do; mistakes in a configuration are named.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly ConfigurationMistakes _mistakes = new();

    public void Dispose() => _mistakes.Dispose();

    private static string HoconFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Actors.sln")))
                return Path.Combine(dir.FullName, "hocon", name);
        throw new FileNotFoundException("Actors.sln not found above the test folder.");
    }

    [Fact]
    public void The_embedded_defaults_are_two_local_workers_on_loopback_with_safe_hyperion()
    {
        var config = MpConfig.Load(null);
        var settings = MpSettings.From(config);
        Assert.Equal(2, settings.Workers);
        Assert.Equal(MpStartMethod.Spawn, settings.StartMethod);
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.True(config.GetBoolean("akka.actor.serialization-settings.hyperion.disallow-unsafe-type"));
        Assert.Equal("hyperion", config.GetString("akka.actor.serialization-bindings.\"System.Object\""));
    }

    [Fact]
    public void Spawn_hosts_read_payloads_with_the_hyperion_settings_the_configuration_gives()
    {
        // Spawn hosts skip parsing HOCON unless given a file: their built-in settings must be the embedded ones.
        var configured = Multiprocessing.Hosting.Spawn.SpawnHost.HyperionSettingsOf(MpConfig.Load(null));
        var builtIn = Multiprocessing.Hosting.Spawn.SpawnHost.DefaultHyperionSettings;
        Assert.Equal(configured.PreserveObjectReferences, builtIn.PreserveObjectReferences);
        Assert.Equal(configured.VersionTolerance, builtIn.VersionTolerance);
        Assert.Equal(configured.DisallowUnsafeType, builtIn.DisallowUnsafeType);
        Assert.True(builtIn.DisallowUnsafeType);
        Assert.Equal(configured.KnownTypesProvider, builtIn.KnownTypesProvider);
        Assert.Empty(configured.Surrogates);
        Assert.Empty(configured.PackageNameOverrides);
        Assert.Equal(configured.TypeFilter.GetType(), builtIn.TypeFilter.GetType());
    }

    [Fact]
    public void Local_conf_keeps_workers_local()
    {
        var config = MpConfig.Load(HoconFile("local.conf"));
        Assert.Equal(2, MpSettings.From(config).Workers);
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
    }

    [Fact]
    public void Cluster_conf_listens_for_workers_from_other_hosts()
    {
        var config = MpConfig.Load(HoconFile("cluster.conf"));
        var settings = MpSettings.From(config);
        Assert.Equal(0, settings.Workers);
        Assert.Equal(1, settings.MinWorkers);
        Assert.Equal(MpStartMethod.Actor, settings.StartMethod);
        Assert.Equal("0.0.0.0", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
    }

    [Fact]
    public void Overrides_win_over_the_file_which_wins_over_the_defaults()
    {
        var config = MpConfig.Load(HoconFile("cluster.conf"), "multiprocessing.workers = 5");
        Assert.Equal(5, MpSettings.From(config).Workers);
        Assert.Equal(2, MpSettings.From(config).SpawnSpares);
    }

    [Fact]
    public void An_unknown_start_method_is_refused()
    {
        var error = Assert.Throws<MpConfigurationException>(() => MpConfig.Load(null, "multiprocessing.start-method = fork"));
        Assert.Equal("MpOptions:1: multiprocessing.start-method = fork: expected spawn or actor.", error.Message);
    }

    [Theory]
    [MemberData(nameof(ConfigurationMistakes.Cases), MemberType = typeof(ConfigurationMistakes))]
    public async Task A_mistake_in_the_configuration_file_fails_start_with_one_line_naming_the_file_and_key(string mistake, string named)
    {
        var file = _mistakes.File(mistake);
        var error = await Assert.ThrowsAsync<MpConfigurationException>(() => Mp.StartAsync(new MpOptions { ConfigFile = file }));
        Assert.StartsWith(file + ":", error.Message);
        Assert.Contains(named, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("a b c d", "1:8: expected '=', ':' or '{' after the key 'a b c d'")]
    [InlineData("= 3", "1:1: expected a key, found '='")]
    [InlineData("a =\nb = 2", "1:4: expected a value for 'a', found the end of the line")]
    [InlineData("a = 1 = 2", "1:7: expected a new line or ',' after the value of 'a', found '='")]
    [InlineData("a : : 1", "1:5: expected a value for 'a', found ':'")]
    [InlineData("a.b. = 1", "1:5: a key ends with a dot")]
    [InlineData("a..b = 1", "1:3: a key has an empty part")]
    [InlineData("a = [1, 2]]", "1:11: expected a new line or ',' after the value of 'a', found ']'")]
    [InlineData("a { b = 1 } }", "1:13: unexpected '}'")]
    [InlineData("a = [1,, 2]", "1:8: an empty element in the list of 'a'")]
    [InlineData("a = \"open\nb = 1", "1:5: a string is not closed on its line")]
    [InlineData("a = \"\\q\"", "1:6: an unknown escape")]
    [InlineData("a = ${b", "1:5: a substitution is not closed")]
    [InlineData("a = $b", "1:5: '$' starts a substitution")]
    [InlineData("a = ${nope}", "MpOptions: Unresolved substitution: nope")]
    [InlineData("a += 1", "1:3: '+=' is not supported")]
    [InlineData("include \"other.conf\"", "1:1: 'include' is not supported")]
    [InlineData("[1, 2]", "1:1: expected settings (key = value), found a list")]
    [InlineData("{ a = 1 } b = 2", "1:11: expected the end of the file")]
    [InlineData("a = 1\u0000", "1:6: a control character (0x00)")]
    [InlineData("multiprocessing = 5", "multiprocessing = 5: expected a block of settings")]
    [InlineData("multiprocessing.workers = [1, 2]", "multiprocessing.workers = [ ... ]: expected a whole number")]
    [InlineData("multiprocessing.direct-links = maybe", "multiprocessing.direct-links = maybe: expected on or off")]
    [InlineData("multiprocessing.shutdown-timeout = -5s", "multiprocessing.shutdown-timeout = -5s: expected a duration above zero")]
    [InlineData("multiprocessing.pool.no-worker-timeout = infinite", "multiprocessing.pool.no-worker-timeout = infinite: expected a duration above zero")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 1 KiB", "maximum-frame-size = 1 KiB: expected a size of at least 32000 bytes")]
    [InlineData("multiprocessing.manager.replicas = 2", "multiprocessing.manager.replicas = 2: expected 0 (objects are lost with their node) or 1")]
    public void Text_that_akka_would_accept_but_is_not_valid_hocon_or_settings_is_refused_naming_where(string text, string expected)
    {
        var error = Assert.Throws<MpConfigurationException>(() => MpConfig.Load(null, text));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("{ multiprocessing { workers = 3 } }")]
    [InlineData("multiprocessing {\n  workers = 3 # three\n  // a comment\n  pool.worker-role = \"worker\",\n}")]
    [InlineData("multiprocessing.workers : 3, multiprocessing.min-workers = 1")]
    [InlineData("akka.cluster.roles = [\n  a\n  b,\n  \"c\",\n]")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 32 MiB")]
    [InlineData("akka.actor.serialization-bindings { \"System.Object\" = hyperion }")]
    [InlineData("x = 4053\nakka.remote.dot-netty.tcp.port = ${x}")]
    [InlineData("akka.loglevel = ${?NOT_SET_ANYWHERE}\nnote = \"\"\"two\nlines\"\"\"\na.\"b.c\".d = 1 2 3")]
    public void Valid_hocon_is_accepted(string text)
    {
        MpSettings.From(MpConfig.Load(null, text));
    }

    [Fact]
    public void The_embedded_defaults_and_every_example_under_hocon_pass_the_strict_reading()
    {
        using var stream = typeof(MpConfig).Assembly.GetManifestResourceStream("Multiprocessing.reference.conf")!;
        HoconSyntax.Check(new StreamReader(stream).ReadToEnd(), "reference.conf");
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(HoconFile("local.conf"))!, "*.conf"))
            MpSettings.From(MpConfig.Load(file));
    }
}
