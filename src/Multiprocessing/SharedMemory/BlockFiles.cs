using System.Runtime.InteropServices;
using Multiprocessing.Values;

namespace Multiprocessing.SharedMemory;

/// <summary>
/// The files of named blocks: <c>/dev/shm/NAME</c>, exactly the block's bytes (what Python's
/// <c>shm_open</c> makes, so a Python process can attach to ours and we to its). Every process that
/// has a block open holds a shared <c>flock</c> on its file, which the kernel drops when the process
/// dies: a block that can be locked exclusively is open nowhere, and only such a block is ever
/// removed by the resource tracker.
/// </summary>
internal static partial class BlockFiles
{
    private const int SharedLock = 1, ExclusiveLock = 2, NoWait = 4;

    // Ours: Values' files (mp-value-), the tracker's records (mp-shm-), ledgers... A user's block never starts so.
    private const string ReservedPrefix = "mp-";
    // Leaves room for the tracker's record prefix (mp-shm-owner.) within a file name's 255 bytes.
    private const int MaxNameLength = 200;

    // The only exclusive holders are removers, for microseconds: waiting longer means a foreign process holds it.
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(2);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    public static string PathOf(string name) => Path.Combine(ShmFiles.Folder, name);

    /// <summary>Python's name rules for POSIX shared memory (one leading '/' is dropped), plus the prefix this library keeps for itself.</summary>
    public static string CheckedName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.StartsWith('/') ? name[1..] : name;
        if (bare.Length == 0 || bare is "." or ".." || bare.Length > MaxNameLength || bare.IndexOfAny(['/', '\0']) >= 0)
            throw new ArgumentException($"'{name}' is not a shared memory name: 1 to {MaxNameLength} characters, no '/' (but a leading one) and no NUL.", nameof(name));
        if (bare.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"'{name}': names starting with '{ReservedPrefix}' are this library's own files.", nameof(name));
        return bare;
    }

    /// <summary>Creates the file of <paramref name="name"/> with <paramref name="size"/> zero bytes (mode 0600, as Python), open and locked shared.</summary>
    /// <exception cref="MpSharedMemoryExistsException">A block of that name exists on this host.</exception>
    public static FileStream Create(string name, int size)
    {
        var path = PathOf(name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream file;
        try
        {
            file = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new MpSharedMemoryExistsException(
                $"A shared memory block named '{name}' already exists on this host ({path}): attach to it with create: false, or choose another name.");
        }
        try
        {
            TakeSharedLock(file, name);
            file.SetLength(size);
            return file;
        }
        catch
        {
            file.Dispose();
            ShmFiles.TryDelete(path);
            throw;
        }
    }

    /// <summary>Opens the file of an existing block, locked shared.</summary>
    /// <exception cref="MpSharedMemoryNotFoundException">No block of that name on this host (or it was removed while we opened it).</exception>
    public static FileStream Open(string name)
    {
        var path = PathOf(name);
        var deadline = Environment.TickCount64 + (long)LockPatience.TotalMilliseconds;
        for (var spin = new SpinWait(); ; spin.SpinOnce())
        {
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            }
            catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw NotFound(name);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                continue; // .NET's own shared lock met a remover's exclusive one: it is about to be gone, or free again
            }
            try
            {
                TakeSharedLock(file, name);
                // A remover may have unlinked it between our open and our lock: this inode is no one's block any more.
                if (new FileInfo($"/proc/self/fd/{Fd(file)}").LinkTarget?.EndsWith(" (deleted)", StringComparison.Ordinal) == true)
                    throw NotFound(name);
                return file;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
    }

    /// <summary>Removes the block's file and then <paramref name="record"/> if no process has the block open; false if one has.</summary>
    public static bool RemoveIfUnused(string name, string record)
    {
        FileStream file;
        try
        {
            file = new FileStream(PathOf(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            ShmFiles.TryDelete(record); // unlinked already: the record was left behind
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // another remover holds it, or it is not ours to open
        }
        using (file)
        {
            if (Flock(Fd(file), ExclusiveLock | NoWait) != 0) return false;
            // The record first: a new block of the same name, made once the file is gone, writes a record of its own.
            ShmFiles.TryDelete(record);
            ShmFiles.TryDelete(PathOf(name));
            return true;
        }
    }

    /// <summary>Python's <c>shm_unlink</c>: the name is gone at once, the memory once the last process has closed it.</summary>
    /// <exception cref="MpSharedMemoryNotFoundException">There is no such block on this host (already unlinked).</exception>
    public static void Unlink(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) throw NotFound(name);
        ShmFiles.TryDelete(path);
    }

    public static MpSharedMemoryNotFoundException NotFound(string name) => new(
        $"No shared memory block named '{name}' on this host ({PathOf(name)}): it was never created here, or it was unlinked " +
        "(or removed after the process that kept it was killed and no process had it open).");

    private static void TakeSharedLock(FileStream file, string name)
    {
        var deadline = Environment.TickCount64 + (long)LockPatience.TotalMilliseconds;
        for (var spin = new SpinWait(); Flock(Fd(file), SharedLock | NoWait) != 0; spin.SpinOnce())
            if (Environment.TickCount64 >= deadline)
                throw new TimeoutException($"The shared memory block '{name}' stayed locked exclusively by another process for {LockPatience.TotalSeconds:0} s.");
    }

    private static int Fd(FileStream file) => (int)file.SafeFileHandle.DangerousGetHandle();
}
