using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Hosting;

/// <summary>Akka's log lines stay out of a program's standard output.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AkkaLogTests
{
    [Fact]
    public void A_warning_logged_by_Akka_goes_to_standard_error_and_standard_output_holds_only_the_program_s_lines()
    {
        using var program = DotnetProgram.Start(typeof(TestPrograms).Assembly.GetName().Name!, TestPrograms.AkkaWarning);
        Assert.Equal(0, program.WaitForExit(TimeSpan.FromSeconds(90)));

        Assert.Equal(TestPrograms.Ready, program.Output.Trim());
        Assert.Contains("[WARNING]", program.Error);
        Assert.Contains(TestPrograms.AkkaWarning, program.Error);
    }
}
