namespace Multiprocessing;

/// <summary>
/// The lock was acquired, but the process that held it before ended without releasing it, so what
/// it protected may be half-updated. As with .NET's AbandonedMutexException, the caller that gets
/// this exception HOLDS the lock and must release it.
/// </summary>
public sealed class MpAbandonedLockException(string message) : MpException(message);
