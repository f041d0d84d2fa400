using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Runtime;

/// <summary>The OS check that the coordinator (Mp.StartAsync) and every worker make before anything starts.</summary>
public sealed class SupportedPlatformSpec
{
    [Fact]
    public void Another_OS_is_refused_with_one_line_naming_it_and_the_one_supported()
    {
        const string windows = "Microsoft Windows 10.0.26100";
        var error = Assert.Throws<MpUnsupportedPlatformException>(() => SupportedPlatform.Ensure(isSupported: false, windows));
        Assert.IsAssignableFrom<MpException>(error);
        Assert.Contains(windows, error.Message);
        Assert.Contains("Linux", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Linux_is_accepted_and_is_what_this_machine_runs()
    {
        SupportedPlatform.Ensure(isSupported: true, "Linux 6.1.0-28-amd64");
        SupportedPlatform.Ensure();
    }
}
