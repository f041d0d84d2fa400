using System.IO.MemoryMappedFiles;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Values;

namespace Multiprocessing.Queues;

/// <summary>
/// One OS process's record, in shared memory, of the last item its code received through each of
/// its queue handles (a slot per handle). A store to it costs nothing and survives the process:
/// if the process is killed, a queue on the same host reads it and knows exactly which lent items
/// the code had received (they are gone for good) and which it had not (they go back). A file under
/// /dev/shm, removed when the process ends; files of processes that were killed are removed by the
/// next process that makes a ledger (a queue that lends to a process keeps its file mapped).
/// </summary>
internal sealed unsafe class ConsumptionLedger : IDisposable
{
    /// <summary>Handles per process with a slot; more handles than this fall back to the marks they tell the queue.</summary>
    public const int Slots = 4096;

    private const string FilePrefix = "mp-ledger-";
    private const int Magic = 0x4D504C47; // "MPLG"
    private const int HeaderSize = 16;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long* _slots;
    private int _allocated;
    private int _disposed;

    private ConsumptionLedger(string path, MemoryMappedFile file, MemoryMappedViewAccessor view)
    {
        Path = path;
        _file = file;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _slots = (long*)(pointer + view.PointerOffset + HeaderSize);
    }

    public string Path { get; }

    /// <summary>A new ledger for this process; null where no shared memory can be made (queues then rely on the marks they are told).</summary>
    public static ConsumptionLedger? TryCreate()
    {
        ShmFiles.SweepDeadMakers(FilePrefix);
        var path = ShmFiles.NewPath(FilePrefix);
        try
        {
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                var header = new byte[HeaderSize];
                BitConverter.TryWriteBytes(header, Magic);
                stream.Write(header);
                stream.SetLength(HeaderSize + Slots * sizeof(long)); // zeros: nothing received yet
            }
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
            return new ConsumptionLedger(path, file, file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ShmFiles.TryDelete(path);
            return null;
        }
    }

    /// <summary>A slot for one handle; null once every slot is taken.</summary>
    public LedgerSlot? Allocate()
    {
        var index = Interlocked.Increment(ref _allocated) - 1;
        return index < Slots ? new LedgerSlot(HostIdentity.Current, Path, index) : null;
    }

    /// <summary>The handle's code is about to receive the item numbered <paramref name="seq"/>.</summary>
    public void Record(int index, long seq) => Volatile.Write(ref _slots[index], seq + 1); // 0 means nothing yet

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        ShmFiles.TryDelete(Path);
    }

    /// <summary>Maps another process's ledger to read its slots (on this host only); null if it is gone or not one.</summary>
    public static Reader? Open(LedgerSlot slot)
    {
        if (slot.Host != HostIdentity.Current) return null;
        MemoryMappedFile file;
        try
        {
            file = MemoryMappedFile.CreateFromFile(slot.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // its process ended and removed it: nothing of it is lent any more
        }
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        if (view.Capacity < HeaderSize + Slots * sizeof(long) || view.ReadInt32(0) != Magic)
        {
            view.Dispose();
            file.Dispose();
            return null;
        }
        return new Reader(file, view);
    }

    /// <summary>A read-only mapping of a process's ledger: it stays readable after the file is removed.</summary>
    public sealed class Reader(MemoryMappedFile file, MemoryMappedViewAccessor view) : IDisposable
    {
        /// <summary>The number of the last item received through the handle of slot <paramref name="index"/>; -1 for none.</summary>
        public long Consumed(int index) => view.ReadInt64(HeaderSize + (long)index * sizeof(long)) - 1;

        public void Dispose()
        {
            view.Dispose();
            file.Dispose();
        }
    }
}
