using Multiprocessing.Messages;

namespace Multiprocessing.Shared;

/// <summary>
/// A same-host object's own lock (its shared-memory lock word) was taken for the actor serving other hosts, by
/// the thread that waited for it: sent by that thread to the actor, never between nodes.
/// </summary>
internal sealed record StorageLockTaken(long RequestId) : ICorrelated;
