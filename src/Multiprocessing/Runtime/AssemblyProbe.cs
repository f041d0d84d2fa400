using System.Reflection;
using System.Runtime.Loader;

namespace Multiprocessing.Runtime;

/// <summary>
/// Lets a worker resolve the types of user code it receives: assemblies named with
/// <c>--assembly</c>, then any assembly found in the probe folders (a local worker probes the
/// coordinator's own folder, so user code needs no flag there).
/// </summary>
internal static class AssemblyProbe
{
    // Process-wide as the resolver it serves (AppDomain.AssemblyResolve): every node of the process loads from one set.
    private static readonly List<string> Folders = [];
    private static bool _installed;

    public static void Install(IEnumerable<string> assemblies, IEnumerable<string> folders)
    {
        lock (Folders)
        {
            foreach (var path in assemblies)
            {
                var full = Path.GetFullPath(path);
                if (!File.Exists(full))
                    throw new FileNotFoundException($"Assembly '{path}' does not exist.", full);
                AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
                Folders.Add(Path.GetDirectoryName(full)!);
            }
            Folders.AddRange(folders.Where(Directory.Exists).Select(Path.GetFullPath));
            if (_installed) return;
            _installed = true;
            AssemblyLoadContext.Default.Resolving += Resolve;
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        string[] folders;
        lock (Folders) folders = [.. Folders];
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, name.Name + ".dll");
            if (File.Exists(candidate))
                return context.LoadFromAssemblyPath(candidate);
        }
        return null;
    }
}
