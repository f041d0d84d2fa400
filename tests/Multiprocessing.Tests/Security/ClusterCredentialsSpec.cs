using Multiprocessing.Runtime;
using Multiprocessing.Security;

namespace Multiprocessing.Tests.Security;

/// <summary>The credentials and the settings that say when a node needs them.</summary>
public sealed class ClusterCredentialsSpec
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Generated_credentials_are_a_0600_file_that_reads_back_the_same_and_is_never_overwritten()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mp-cred-").FullName, "cluster.pem");
        MpCredentials.Generate(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var read = ClusterCredentials.FromFile(path);
        Assert.True(read.Certificate.HasPrivateKey);
        Assert.Equal(ClusterCredentials.FromPem(read.Pem).Thumbprint, read.Thumbprint);
        Assert.Equal(ClusterCredentials.FromPem(read.Pem).LinkKey, read.LinkKey);
        Assert.Throws<IOException>(() => MpCredentials.Generate(path));
        File.Delete(path);
    }

    [Fact]
    public void A_file_without_credentials_is_refused_naming_it()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "not a key");
        var error = Assert.Throws<MpSecurityException>(() => ClusterCredentials.FromFile(path));
        Assert.Contains(path, error.Message);
        File.Delete(path);
        Assert.Contains(path, Assert.Throws<MpSecurityException>(() => ClusterCredentials.FromFile(path)).Message);
    }

    [Fact]
    public void Security_is_on_by_default_off_only_when_said_and_reads_its_auth_file()
    {
        Assert.Equal(new SecuritySettings(true, null), SecuritySettings.From(MpConfig.Load(null)));
        Assert.Equal(new SecuritySettings(false, null), SecuritySettings.From(MpConfig.Load(null, "multiprocessing.security = off")));
        Assert.Equal(new SecuritySettings(true, "/x.pem"), SecuritySettings.From(MpConfig.Load(null, "multiprocessing.security.auth-file = \"/x.pem\"")));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("localhost", false)]
    [InlineData("::1", false)]
    [InlineData("0.0.0.0", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("coordinator.example", true)]
    [InlineData("", true)]
    public void Only_a_loopback_hostname_counts_as_loopback(string hostname, bool beyond)
    {
        var config = MpConfig.Load(null, $"akka.remote.dot-netty.tcp.hostname = \"{hostname}\"");
        Assert.Equal(beyond, SecuritySettings.BindsBeyondLoopback(config) is not null);
        var coordinator = () => new SecuritySettings(true, null).ForCoordinator(config);
        if (beyond) Assert.Contains(SecuritySettings.AuthFileKey, Assert.Throws<MpSecurityException>(coordinator).Message);
        else Assert.NotNull(coordinator());
    }
}
