namespace Multiprocessing.Messages.Values;

// A Value or Array is a byte buffer (the elements of one typecode, little-endian as in memory)
// with Python's default lock, an RLock. Every request carries the Owner asking (a thread of a
// process, as the RLock counts it); a null Owner is the raw object (lock: false, get_obj()),
// whose reads and writes never wait. While another owner holds the lock, reads and writes wait
// like acquires, in arrival order, as Python's synchronized get/set do.

/// <summary><paramref name="Count"/> bytes from <paramref name="Offset"/>; answered <see cref="ValueData"/>.</summary>
public sealed record ValueRead(long RequestId, int Offset, int Count, string? Owner) : ICorrelated;

/// <summary>Writes <paramref name="Bytes"/> at <paramref name="Offset"/>; answered <see cref="ValueDone"/>.</summary>
public sealed record ValueWrite(long RequestId, int Offset, byte[] Bytes, string? Owner) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Bytes.LongLength;

    public IReadOnlyList<byte[]> Payload => [Bytes];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Bytes = payload[0] };
}

/// <summary>The lock for <paramref name="Owner"/> (again, if it holds it); without <paramref name="Wait"/> answered <see cref="ValueLockBusy"/> when another holds it.</summary>
public sealed record ValueLockAcquire(long RequestId, string Owner, bool Wait) : ICorrelated;

/// <summary>One release of <paramref name="Owner"/>'s hold; answered <see cref="ValueDone"/>, or <see cref="ValueRefused"/> if it does not hold the lock.</summary>
public sealed record ValueLockRelease(long RequestId, string Owner) : ICorrelated;

public sealed record ValueData(long RequestId, byte[] Bytes) : ICorrelated, IPayloadCarrier
{
    public long PayloadBytes => Bytes.LongLength;

    public IReadOnlyList<byte[]> Payload => [Bytes];

    public IPayloadCarrier WithPayload(IReadOnlyList<byte[]> payload) => this with { Bytes = payload[0] };
}
public sealed record ValueDone(long RequestId) : ICorrelated;

/// <summary>The lock is held; <paramref name="Abandoned"/>: its previous holder ended without releasing it.</summary>
public sealed record ValueLockGranted(long RequestId, bool Abandoned) : ICorrelated;

public sealed record ValueLockBusy(long RequestId) : ICorrelated;
public sealed record ValueRefused(long RequestId, string Reason) : ICorrelated;
