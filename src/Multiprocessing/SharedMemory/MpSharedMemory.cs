using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Hyperion;
using Multiprocessing.SharedMemory;
using Multiprocessing.Values;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.shared_memory.SharedMemory</c>: a named block of this host's memory
/// (a file under /dev/shm) that any process of the host maps by its name. It is a value: passed to a
/// process or through a queue it travels as its name and size, and the receiving process maps it on
/// first use. It lives until <see cref="Unlink"/> (see the README for what happens to blocks never
/// unlinked). Shared memory is single-host: a block cannot be used from another machine.
/// </summary>
public sealed class MpSharedMemory : IDisposable
{
    private const string NamePrefix = "psm_";

    // Everything in these fields travels: Python pickles a SharedMemory as its name and size too.
    private readonly string _name;
    private readonly int _size;
    private readonly string _host;

    // This process's mapping, which never travels (a copy received from another process maps its own): Hyperion skips
    // [Ignore] fields; it does not skip [NonSerialized].
    [Ignore] private Attachment? _attachment;

    /// <summary>
    /// Python's <c>SharedMemory(name=None, create=False, size=0)</c>: with <paramref name="create"/>, a new block of
    /// <paramref name="size"/> zero bytes named <paramref name="name"/> (null: a fresh <c>psm_xxxxxxxx</c>); without it,
    /// the existing block <paramref name="name"/>, its size whatever it was made with (<paramref name="size"/> is ignored).
    /// </summary>
    /// <exception cref="MpSharedMemoryExistsException">Creating a name that exists on this host (Python's <c>FileExistsError</c>).</exception>
    /// <exception cref="MpSharedMemoryNotFoundException">Attaching a name that does not exist on this host (Python's <c>FileNotFoundError</c>).</exception>
    /// <exception cref="ArgumentException">No name without <paramref name="create"/>, a size of zero when creating, a name with '/'.</exception>
    public MpSharedMemory(string? name = null, bool create = false, int size = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (create && size == 0) throw new ArgumentOutOfRangeException(nameof(size), size, "'size' must be a positive number different from zero.");
        if (!create && name is null) throw new ArgumentException("'name' can only be null if create is true.", nameof(name));
        _host = HostIdentity.Current;
        MappedBlock block;
        if (!create)
        {
            _name = BlockFiles.CheckedName(name!);
            block = MappedBlock.Attach(_name);
        }
        else if (name is not null)
        {
            _name = BlockFiles.CheckedName(name);
            block = MappedBlock.Create(_name, size);
        }
        else
        {
            (_name, block) = CreateUnnamed(size);
        }
        _size = block.Length;
        _attachment = new Attachment(block);
        if (!create) return;
        try
        {
            SharedMemoryTracker.Track(_name);
        }
        catch
        {
            // Untracked, it would never be cleaned up: it is not made at all.
            block.Close();
            UnlinkByName(_name);
            throw;
        }
    }

    private MpSharedMemory(string name, int size, string host)
    {
        _name = name;
        _size = size;
        _host = host;
    }

    /// <summary>The block's name, without a leading '/' (Python's <c>name</c>): what another process attaches with.</summary>
    public string Name => _name;

    /// <summary>The block's length in bytes (Python's <c>size</c>).</summary>
    public int Size => _size;

    /// <summary>Python's <c>buf</c>: the block's bytes, mapped in this process. Throws <see cref="ObjectDisposedException"/> once closed here.</summary>
    public Memory<byte> Buf => Block.Memory;

    /// <summary>The block's bytes as a span (the same memory as <see cref="Buf"/>); do not keep it past <see cref="Close"/>.</summary>
    public Span<byte> AsSpan() => Block.GetSpan();

    /// <summary>The block as elements of <typeparamref name="T"/> (as numpy's <c>ndarray(buffer=shm.buf)</c>): <see cref="Size"/> / sizeof(T) of them.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Block.GetSpan());

    /// <summary>
    /// Python's <c>close()</c>: unmaps the block in this process (spans taken before must not be used any more). The block
    /// itself stays for other processes until <see cref="Unlink"/>. Closing again does nothing.
    /// </summary>
    public void Close()
    {
        if (!Here.Close()) return;
        if (_host == HostIdentity.Current) SharedMemoryTracker.RemoveIfOrphaned(_name);
    }

    /// <summary>
    /// Python's <c>unlink()</c>: removes the block's name, once, from any process (call it once, usually where it was made).
    /// Processes that have it mapped keep their mapping; none can attach any more.
    /// </summary>
    /// <exception cref="MpSharedMemoryNotFoundException">It was unlinked already, or this process is on another host.</exception>
    public void Unlink()
    {
        CheckHost();
        UnlinkByName(_name);
    }

    /// <summary>Unlinks the block <paramref name="name"/> of this host without mapping it.</summary>
    internal static void UnlinkByName(string name)
    {
        SharedMemoryTracker.Untrack(name);
        BlockFiles.Unlink(name);
    }

    /// <summary><see cref="Close"/>, for <c>using</c>.</summary>
    public void Dispose() => Close();

    /// <summary>Python's repr: <c>SharedMemory('psm_1a2b3c4d', size=64)</c>.</summary>
    public override string ToString() => $"SharedMemory({MpRepr.Of(_name)}, size={_size})";

    /// <summary>The same block as if it had been made on the host of <paramref name="hostIdentity"/> (tests stage another host with it).</summary>
    internal MpSharedMemory AsIfMadeOn(string hostIdentity) => new(_name, _size, hostIdentity);

    private Attachment Here => Volatile.Read(ref _attachment) ?? LazyInitializer.EnsureInitialized(ref _attachment, () => new Attachment(null));

    private MappedBlock Block => Here.Mapped(this);

    private MappedBlock AttachHere()
    {
        CheckHost();
        var block = MappedBlock.Attach(_name);
        if (block.Length >= _size) return block;
        block.Close();
        throw new MpSharedMemoryNotFoundException(
            $"The shared memory block '{_name}' on this host holds {block.Length} bytes, not {_size}: it is another block made since under the same name.");
    }

    private void CheckHost()
    {
        if (_host == HostIdentity.Current) return;
        var made = HostIdentity.MachineOf(_host);
        var here = HostIdentity.MachineOf(HostIdentity.Current);
        var which = made == here ? $"'{made}' (another boot, pid namespace or /dev/shm than this process's)" : $"'{made}'";
        throw new MpSharedMemoryNotFoundException(
            $"The shared memory block '{_name}' lives on host {which}, and this process runs on '{here}': shared memory is single-host. " +
            "Across hosts, pass the data itself (a Queue, a Pipe, a Manager, or a Value/Array, which other hosts reach through their creator).");
    }

    private static (string Name, MappedBlock Block) CreateUnnamed(int size)
    {
        while (true)
        {
            // Python's: "psm_" and 8 hex digits, drawn again on a clash.
            var name = NamePrefix + RandomNumberGenerator.GetHexString(8, lowercase: true);
            try
            {
                return (name, MappedBlock.Create(name, size));
            }
            catch (MpSharedMemoryExistsException)
            {
                // Another block drew the same name: draw again.
            }
        }
    }

    /// <summary>This process's use of one handle: mapped on first use, until closed.</summary>
    private sealed class Attachment(MappedBlock? block)
    {
        private MappedBlock? _block = block;
        private bool _closed;

        public MappedBlock Mapped(MpSharedMemory owner)
        {
            if (Volatile.Read(ref _block) is { IsClosed: false } mapped) return mapped;
            lock (this)
            {
                if (_closed) throw new ObjectDisposedException(owner.ToString(), "The shared memory block is closed in this process.");
                return _block ??= owner.AttachHere();
            }
        }

        /// <summary>True if this call closed a mapping.</summary>
        public bool Close()
        {
            lock (this)
            {
                if (_closed) return false;
                _closed = true;
                _block?.Close();
                return _block is not null;
            }
        }
    }
}
