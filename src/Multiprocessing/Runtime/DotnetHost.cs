namespace Multiprocessing.Runtime;

/// <summary>The <c>dotnet</c> muxer to run a framework-dependent program (a .dll) with.</summary>
internal static class DotnetHost
{
    /// <summary>The muxer that runs us (dotnet run, dotnet test), else the one the SDK names, else PATH's.</summary>
    public static string Path
    {
        get
        {
            var self = Environment.ProcessPath;
            if (self is not null && System.IO.Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                return self;
            return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } sdkHost ? sdkHost : "dotnet";
        }
    }
}
