using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Hosting;

/// <summary>The worked examples under hocon/ say what the README says they do.</summary>
public sealed class ConfigurationTests
{
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
        Assert.Equal(StartMethod.Spawn, settings.StartMethod);
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
        Assert.Equal(StartMethod.Actor, settings.StartMethod);
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
        Assert.Throws<ArgumentException>(() => MpSettings.From(MpConfig.Load(null, "multiprocessing.start-method = fork")));
    }
}
