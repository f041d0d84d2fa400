using Akka.Actor;

namespace Multiprocessing.Messages.Sync;

// The synchronisation primitives (Lock, RLock, Semaphore, Event, Condition, Barrier) are shared
// objects: a state hosted by an actor, reached by handles in any process. A call that can wait is
// parked in the actor and answered once (granted, or RequestCancelled when its caller gave up), so
// a wait is one round trip and never a poll. Token is the calling process's token actor: it lives
// exactly as long as that process, so the state watches it to learn that a holder or a waiter died.
// Thread is the caller's managed thread id (a lock is owned by a process AND a thread); 0 in a
// release for a wait or an ownership check means any thread of the process (a Condition's async
// twins, whose continuations move between threads).

/// <summary>Lock/RLock: take the lock (RLock: <paramref name="Count"/> levels at once, as a Condition restores them). Answered LockGranted, or SyncBusy when it would wait and <paramref name="Wait"/> is false.</summary>
public sealed record LockAcquire(long RequestId, IActorRef Token, int Thread, bool Wait, int Count) : ICorrelated;

/// <summary>Lock/RLock: release one level, or with <paramref name="ForWait"/> every level (a Condition's wait, owner only). Answered LockReleased or SyncRefused.</summary>
public sealed record LockRelease(long RequestId, IActorRef Token, int Thread, bool ForWait) : ICorrelated;

/// <summary>Lock/RLock: is it held by this process and thread? Answered SyncFlag.</summary>
public sealed record LockIsMine(long RequestId, IActorRef Token, int Thread) : ICorrelated;

/// <summary>The lock is the caller's; <paramref name="Abandoned"/>: its previous holder's process ended while holding it.</summary>
public sealed record LockGranted(long RequestId, bool Abandoned) : ICorrelated;

/// <summary>Released; <paramref name="Count"/> levels were held before by <paramref name="Thread"/> (what a Condition restores).</summary>
public sealed record LockReleased(long RequestId, int Count, int Thread) : ICorrelated;

/// <summary>Semaphore: take one unit. Answered SyncDone, or SyncBusy when it would wait and <paramref name="Wait"/> is false.</summary>
public sealed record SemaphoreAcquire(long RequestId, IActorRef Token, bool Wait) : ICorrelated;

/// <summary>Semaphore: give back <paramref name="Count"/> units. Answered SyncDone, or SyncRefused by a bounded semaphore that would exceed its initial value.</summary>
public sealed record SemaphoreRelease(long RequestId, int Count) : ICorrelated;

/// <summary>Semaphore: the units free now. Answered SyncCount.</summary>
public sealed record SemaphoreGetValue(long RequestId) : ICorrelated;

/// <summary>Event: set the flag and wake every waiter. Answered SyncDone.</summary>
public sealed record EventSet(long RequestId) : ICorrelated;

/// <summary>Event: reset the flag. Answered SyncDone.</summary>
public sealed record EventClear(long RequestId) : ICorrelated;

/// <summary>Event: the flag. Answered SyncFlag.</summary>
public sealed record EventIsSet(long RequestId) : ICorrelated;

/// <summary>Event: answered SyncFlag(true) once the flag is set.</summary>
public sealed record EventWait(long RequestId, IActorRef Token) : ICorrelated;

/// <summary>Condition: put the caller on the list of sleepers (before it releases the lock, so no notify is missed); its ticket is this RequestId. Answered SyncDone.</summary>
public sealed record ConditionEnlist(long RequestId, IActorRef Token) : ICorrelated;

/// <summary>Condition: wait until the sleeper <paramref name="Ticket"/> is notified. Answered SyncFlag(true).</summary>
public sealed record ConditionAwait(long RequestId, long Ticket) : ICorrelated;

/// <summary>Condition: the sleeper <paramref name="Ticket"/> does not wait after all. Answered SyncDone.</summary>
public sealed record ConditionLeave(long RequestId, long Ticket) : ICorrelated;

/// <summary>Condition: wake up to <paramref name="Count"/> sleepers, oldest first. Answered SyncCount (how many were woken).</summary>
public sealed record ConditionNotify(long RequestId, int Count) : ICorrelated;

/// <summary>Barrier: arrive and wait for the other parties. Answered BarrierPassed, BarrierRunAction (the last to arrive, when the barrier has an action) or BarrierBroken.</summary>
public sealed record BarrierWait(long RequestId, IActorRef Token, bool HasAction) : ICorrelated;

/// <summary>Barrier: the last party ran the action (<paramref name="Failed"/>: it threw). Answered SyncDone or BarrierBroken.</summary>
public sealed record BarrierActionDone(long RequestId, bool Failed) : ICorrelated;

/// <summary>Barrier: break it; waiters and later waits get BarrierBroken until a reset. Answered SyncDone.</summary>
public sealed record BarrierAbort(long RequestId) : ICorrelated;

/// <summary>Barrier: back to empty and not broken; current waiters get BarrierBroken. Answered SyncDone.</summary>
public sealed record BarrierReset(long RequestId) : ICorrelated;

/// <summary>Barrier: answered BarrierStatusReply.</summary>
public sealed record BarrierStatus(long RequestId) : ICorrelated;

public sealed record BarrierPassed(long RequestId, int Index) : ICorrelated;
public sealed record BarrierRunAction(long RequestId, int Index) : ICorrelated;
public sealed record BarrierBroken(long RequestId) : ICorrelated;
public sealed record BarrierStatusReply(long RequestId, int Parties, int Waiting, bool Broken) : ICorrelated;

public sealed record SyncDone(long RequestId) : ICorrelated;

/// <summary>A non-blocking acquire that would have had to wait.</summary>
public sealed record SyncBusy(long RequestId) : ICorrelated;

public sealed record SyncFlag(long RequestId, bool Value) : ICorrelated;
public sealed record SyncCount(long RequestId, int Value) : ICorrelated;

/// <summary>A misuse the caller's handle turns into an exception (release of an unheld lock, over-release of a bounded semaphore).</summary>
public sealed record SyncRefused(long RequestId, string Reason) : ICorrelated;
