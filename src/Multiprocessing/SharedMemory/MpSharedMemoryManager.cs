using Multiprocessing.Processes;

namespace Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.managers.SharedMemoryManager</c>: the blocks and lists made through it are unlinked when it
/// is shut down or disposed, or when the process that made it ends, whichever comes first. Python's runs a server process
/// for that; this one is an object of the process that makes it (it does not travel), and what it makes travels as usual.
/// </summary>
public sealed class MpSharedMemoryManager : IDisposable
{
    private readonly Made _made = new();

    /// <summary>A running manager (Python's <c>SharedMemoryManager()</c> then <c>start()</c>, or <c>with</c>).</summary>
    public MpSharedMemoryManager()
    {
        var made = _made; // the hook holds the names, not the manager: a manager dropped without Dispose still unlinks at exit
        Mp.CurrentProcess().Life.OnExit(() =>
        {
            made.UnlinkAll();
            return Task.CompletedTask;
        });
    }

    /// <summary>Python's <c>smm.SharedMemory(size)</c>: a new block of <paramref name="size"/> bytes, unlinked with the manager.</summary>
    /// <exception cref="InvalidOperationException">The manager is shut down.</exception>
    public MpSharedMemory SharedMemory(int size) => _made.Add(() => new MpSharedMemory(create: true, size: size), shm => shm);

    /// <summary>Python's <c>smm.ShareableList(sequence)</c>: a new list holding <paramref name="sequence"/>, unlinked with the manager.</summary>
    /// <exception cref="InvalidOperationException">The manager is shut down.</exception>
    public MpShareableList ShareableList(IEnumerable<object?>? sequence = null) => _made.Add(() => new MpShareableList(sequence ?? []), list => list.Shm);

    /// <summary>Python's <c>shutdown()</c>: unlinks every block made through the manager (handles that map one keep their mapping until closed). Again, it does nothing.</summary>
    public void Shutdown() => _made.UnlinkAll();

    /// <summary><see cref="Shutdown"/>, for <c>using</c>.</summary>
    public void Dispose() => Shutdown();

    /// <summary>The names of the blocks made, until they are unlinked.</summary>
    private sealed class Made
    {
        private readonly List<string> _names = [];
        private bool _shutDown;

        public T Add<T>(Func<T> make, Func<T, MpSharedMemory> blockOf)
        {
            lock (_names)
            {
                if (_shutDown) throw new InvalidOperationException("The SharedMemoryManager is shut down: it makes nothing any more.");
                var made = make();
                _names.Add(blockOf(made).Name);
                return made;
            }
        }

        public void UnlinkAll()
        {
            string[] names;
            lock (_names)
            {
                _shutDown = true;
                names = [.. _names];
                _names.Clear();
            }
            foreach (var name in names)
            {
                try
                {
                    MpSharedMemory.UnlinkByName(name);
                }
                catch (MpSharedMemoryNotFoundException)
                {
                    // Unlinked already, through a handle: nothing left to do.
                }
            }
        }
    }
}
