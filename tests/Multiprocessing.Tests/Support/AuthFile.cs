namespace Multiprocessing.Tests.Support;

/// <summary>
/// A cluster credentials file (what <c>keygen</c> writes) for a test's coordinator and the workers
/// it starts by hand with <c>--auth</c>; deleted when disposed.
/// </summary>
public sealed class AuthFile : IDisposable
{
    public AuthFile()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mp-auth-{Guid.NewGuid():N}.pem");
        MpCredentials.Generate(Path);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
