namespace Multiprocessing.Values;

/// <summary>
/// Where a same-host object's segment is, as its handles carry it: the file and the host it is on. A handle maps it
/// only on that host, and never when made to go through the object's actor (<see cref="ViaActor"/>: tests take the
/// remote path on one host with it).
/// </summary>
internal sealed record SegmentLocation(string Path, string HostId, bool ViaActor = false)
{
    /// <summary>The location of <paramref name="segment"/>, made on this host.</summary>
    public static SegmentLocation Here(SharedSegment segment, bool viaActor = false) => new(segment.Path, HostIdentity.Current, viaActor);

    /// <summary>This process's mapping of the segment; null on another host, through the actor, or once the file is gone.</summary>
    public SharedSegment? OpenHere() => !ViaActor && HostId == HostIdentity.Current ? SharedSegment.Open(Path) : null;
}
