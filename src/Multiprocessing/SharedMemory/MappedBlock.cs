using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Multiprocessing.SharedMemory;

/// <summary>
/// One process's mapping of a block: its file stays open (holding the shared lock that says this
/// process uses the block) until <see cref="Close"/>, which unmaps it. Spans taken before then
/// point into the mapping: using one after <see cref="Close"/> is a use after free, as in C.
/// </summary>
internal sealed unsafe class MappedBlock : MemoryManager<byte>
{
    private readonly string _name;
    private readonly FileStream _file;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private int _closed;

    private MappedBlock(string name, FileStream file, int length)
    {
        _name = name;
        _file = file;
        Length = length;
        try
        {
            _map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _map?.Dispose();
            file.Dispose();
            throw;
        }
    }

    public int Length { get; }

    public static MappedBlock Create(string name, int size) => new(name, BlockFiles.Create(name, size), size);

    public static MappedBlock Attach(string name)
    {
        var file = BlockFiles.Open(name);
        var length = file.Length;
        if (length is 0 or > int.MaxValue)
        {
            file.Dispose();
            throw new NotSupportedException(length == 0
                ? $"The shared memory block '{name}' is empty: there is nothing to map."
                : $"The shared memory block '{name}' holds {length:N0} bytes: a span reaches {int.MaxValue:N0} at most.");
        }
        return new MappedBlock(name, file, (int)length);
    }

    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    public override Span<byte> GetSpan() => new(Open(), Length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length, nameof(elementIndex));
        return new MemoryHandle(Open() + elementIndex);
    }

    public override void Unpin()
    {
    }

    /// <summary>Unmaps and closes the file (dropping this process's lock); again, it does nothing.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _file.Dispose();
    }

    protected override void Dispose(bool disposing) => Close();

    private byte* Open() => IsClosed ? throw new ObjectDisposedException($"SharedMemory('{_name}')", "The shared memory block is closed in this process.") : _pointer;
}
