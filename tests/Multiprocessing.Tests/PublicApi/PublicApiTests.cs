using System.Reflection;
using System.Runtime.CompilerServices;
using Multiprocessing.Tests.Support;
using PublicApiGenerator;

namespace Multiprocessing.Tests.PublicApi;

/// <summary>
/// The public API of each assembly, compared with the approved text beside this file, so that every change to
/// it is a reviewed edit. A mismatch writes NAME.received.txt here: copy it over NAME.approved.txt to accept it.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("Multiprocessing")]
    [InlineData("Multiprocessing.Messages")]
    public void The_public_api_is_the_approved_one(string assembly)
    {
        var received = Assembly.Load(assembly).GeneratePublicApi();
        var approvedFile = Path.Combine(Folder(), $"{assembly}.approved.txt");
        var receivedFile = Path.Combine(Folder(), $"{assembly}.received.txt");
        var approved = File.Exists(approvedFile) ? File.ReadAllText(approvedFile) : "";
        if (approved.ReplaceLineEndings("\n") == received.ReplaceLineEndings("\n"))
        {
            File.Delete(receivedFile);
            return;
        }
        File.WriteAllText(receivedFile, received);
        Assert.Fail($"The public API of {assembly} is not the approved one (- approved, + now):\n{LineDiff.Of(approved, received)}\n" +
                    $"If the change is meant, accept it: cp {receivedFile} {approvedFile}");
    }

    private static string Folder([CallerFilePath] string source = "") => Path.GetDirectoryName(source)!;
}
