namespace Multiprocessing.Tests.Support;

/// <summary>A shell script that stands in for WorkerNode (multiprocessing.worker.executable) to stage broken workers.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class FakeWorker
{
    public static string Script(string body)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fake-worker-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
