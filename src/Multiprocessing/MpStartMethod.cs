namespace Multiprocessing;

/// <summary>How <see cref="MpProcess.Start"/> runs a process (Python's start methods).</summary>
public enum MpStartMethod
{
    /// <summary>A fresh OS process of its own: its own pid, and <see cref="MpProcess.Kill"/> really kills it.</summary>
    Spawn,

    /// <summary>An actor on an already running worker node: starts in microseconds, shares the node's pid.
    /// Terminate/Kill stop waiting for it and interrupt its thread, but cannot stop code that ignores interrupts.</summary>
    Actor,
}

internal static class StartMethods
{
    public static MpStartMethod Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "spawn" => MpStartMethod.Spawn,
        "actor" => MpStartMethod.Actor,
        _ => throw new ArgumentException($"Unknown start method '{value}': expected 'spawn' or 'actor'."),
    };
}
