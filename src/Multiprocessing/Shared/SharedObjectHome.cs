namespace Multiprocessing.Shared;

/// <summary>How a Value, Array, Lock, RLock, Semaphore or Event made by a context is held; the default is <see cref="Segment"/>.</summary>
internal enum SharedObjectHome
{
    /// <summary>A shared-memory segment, mapped on its host; other hosts go through the creator's actor.</summary>
    Segment,

    /// <summary>A segment that every handle reaches through the actor, as from another host (tests force the remote path with it).</summary>
    SegmentViaActor,

    /// <summary>Only the actor, the object in its state (multiprocessing.shared-memory = off).</summary>
    Actor,
}

/// <summary>Where new objects go unless a test says otherwise.</summary>
internal static class SharedObjectHomes
{
    /// <summary>As <c>multiprocessing.shared-memory</c> says: a segment when on (the default), the actor when off.</summary>
    public static SharedObjectHome Default(Runtime.NodeRuntime runtime) =>
        runtime.System.Settings.Config.GetString("multiprocessing.shared-memory", "on") is "off" ? SharedObjectHome.Actor : SharedObjectHome.Segment;
}
