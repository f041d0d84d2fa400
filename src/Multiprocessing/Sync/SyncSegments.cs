using Multiprocessing.Values;

namespace Multiprocessing.Sync;

/// <summary>The segments of same-host synchronisation primitives (a Lock's word, an Event's flag).</summary>
internal static class SyncSegments
{
    /// <summary>
    /// A new segment holding <paramref name="data"/>, whose file goes with the current process: handles that
    /// mapped it keep it; ones that open it later on this host go through the object's actor.
    /// </summary>
    public static SharedSegment Create(ReadOnlySpan<byte> data)
    {
        var segment = SharedSegment.Create(data);
        Mp.CurrentProcess().Life.OnExit(() =>
        {
            segment.Unlink();
            return Task.CompletedTask;
        });
        return segment;
    }
}
