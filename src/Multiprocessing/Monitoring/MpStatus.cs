namespace Multiprocessing;

/// <summary>
/// A snapshot of a running cluster, as its coordinator sees it (<see cref="MpContext.StatusAsync"/>,
/// <see cref="MpStatusClient"/>, <c>Coordinator status</c>): cheap to take, so fine to poll every second.
/// </summary>
/// <param name="Taken">When the coordinator took it.</param>
/// <param name="Nodes">The coordinator, then every cluster member and spawn host, by name.</param>
/// <param name="Processes">The processes the coordinator started that are running (or being placed).</param>
/// <param name="Pools">The coordinator's pools and their running jobs.</param>
/// <param name="Queues">The queues the coordinator's code made, in the order it made them.</param>
public sealed record MpStatus(DateTimeOffset Taken, IReadOnlyList<MpNodeStatus> Nodes, IReadOnlyList<MpProcessStatus> Processes,
    IReadOnlyList<MpPoolStatus> Pools, IReadOnlyList<MpQueueStatus> Queues);

/// <summary>One node of the cluster.</summary>
/// <param name="Name"><c>MainProcess</c>, <c>worker-N</c>, <c>spawn-N</c>, or the name a worker started by hand was given.</param>
/// <param name="Address">Its Akka address (empty for a spawn host that has not connected to the cluster).</param>
/// <param name="Role"><c>coordinator</c>, <c>worker</c> or <c>spawn host</c>.</param>
/// <param name="State">The cluster's member status (<c>Up</c>, <c>Leaving</c>, <c>Unreachable</c>...), or for a spawn host <c>spare</c> or <c>busy</c>.</param>
/// <param name="Pid">Its OS process id, as the node reported it.</param>
/// <param name="CpuTime">The CPU time its OS process has used; null when it runs on another machine.</param>
/// <param name="MemoryBytes">Its OS process's resident memory; null when it runs on another machine.</param>
/// <param name="ManagerObjects">The Manager objects (dicts, lists, namespaces, registered types) that live on it; 0 before any Manager.</param>
public sealed record MpNodeStatus(string Name, string Address, string Role, string State, int? Pid, TimeSpan? CpuTime, long? MemoryBytes,
    int ManagerObjects);

/// <summary>A process started by the coordinator that has not ended.</summary>
/// <param name="Name">Its name (<c>Process-N</c>...).</param>
/// <param name="Host">The node it was placed on; null while it waits for one.</param>
/// <param name="Pid">Its OS process id once it runs (a node's for the actor start method).</param>
public sealed record MpProcessStatus(string Name, string? Host, int? Pid);

/// <summary>A pool made on the coordinator and not yet joined.</summary>
/// <param name="Name">The pool's actor name (<c>mp-pool-N</c>).</param>
/// <param name="Workers">Its pool workers that are ready.</param>
/// <param name="Jobs">Its calls in progress (Map, Imap, Apply...), oldest first.</param>
public sealed record MpPoolStatus(string Name, int Workers, IReadOnlyList<MpPoolJobStatus> Jobs);

/// <summary>One call on a pool, in chunks (a Map of 200 items with chunksize 10 has 20).</summary>
/// <param name="ChunksDone">Chunks answered.</param>
/// <param name="ChunksTotal">All its chunks; null while a lazy input (Imap) is still being read.</param>
public sealed record MpPoolJobStatus(long Id, int ChunksDone, int? ChunksTotal);

/// <summary>A queue made by the coordinator's code, as Python's <c>qsize()</c> counts it.</summary>
/// <param name="Name"><c>Queue-N</c>, <c>SimpleQueue-N</c> or <c>JoinableQueue-N</c>, numbered in the order the queues were made.</param>
/// <param name="MaxSize">Its bound; 0 for an unbounded queue.</param>
/// <param name="Size">Items in it, those lent to a consumer and not yet received included (<c>QSize</c>).</param>
/// <param name="Unfinished">For a JoinableQueue, items put and not yet marked done (<c>TaskDone</c>); 0 otherwise.</param>
/// <param name="WaitingConsumers">Gets blocked on it.</param>
/// <param name="WaitingProducers">Puts blocked on it (a full bounded queue).</param>
public sealed record MpQueueStatus(string Name, int MaxSize, int Size, int Unfinished, int WaitingConsumers, int WaitingProducers);
