namespace Multiprocessing;

/// <summary>Python's <c>FileExistsError</c> from <c>SharedMemory(name, create=True)</c>: a block of that name exists on this host.</summary>
public sealed class MpSharedMemoryExistsException(string message) : MpException(message);

/// <summary>
/// Python's <c>FileNotFoundError</c> from <c>SharedMemory(name)</c> and <c>unlink()</c>: no block of that name on this host
/// (never made, unlinked, removed after its keeper was killed), or a block of another host (shared memory is single-host).
/// </summary>
public sealed class MpSharedMemoryNotFoundException(string message) : MpException(message);
