using System.Reflection;
using Hyperion;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// A handle's side in one process (its queue end, pipe end, mapping, process life, runtime) lives in fields marked
/// [Hyperion.Ignore], which the cluster's serializer must skip: a copy that travelled starts without them and makes its
/// own where it is used. Hyperion skips no [NonSerialized] field on .NET Core, so this is what keeps a process's
/// mapping, lease or runtime from travelling.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HandleLocalSideTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public void Hyperion_skips_an_Ignore_field_and_keeps_the_others()
    {
        var copy = RoundTrip(new Marked { Kept = "kept", Skipped = "skipped" });
        Assert.Equal("kept", copy.Kept);
        Assert.Null(copy.Skipped);
    }

    [Fact]
    public async Task Every_kind_of_handle_travels_without_its_local_side_and_its_copy_works_here()
    {
        var queue = Mp.Queue<int>();
        queue.Put(1);
        var value = Mp.Value(3);
        Assert.Equal(3, value.Value);
        using var block = new MpSharedMemory(create: true, size: 8);
        block.Buf.Span[0] = 4;
        var (reader, writer) = Mp.Pipe<int>();
        writer.Send(2);
        var process = Mp.Process(() => { });
        Assert.False(process.IsAlive);
        await using var manager = await Mp.ManagerAsync(replicas: 0);
        var dict = manager.Dict<string, int>();
        dict["k"] = 5;

        try
        {
            foreach (var handle in new object[] { queue, value, block, writer, process, dict })
            {
                var (sides, travelling) = Graph(handle);
                Assert.Contains(sides, side => side.Value is not null); // used here: it has its side
                Assert.DoesNotContain(travelling, o => LocalTypes.Any(t => t.IsInstanceOfType(o))); // ...and no field that travels reaches it
                Assert.All(Graph(RoundTrip(handle)).Sides, side => Assert.Null(side.Value));
            }

            Assert.Equal(1, RoundTrip(queue).Get(true, Patience));
            Assert.Equal(3, RoundTrip(value).Value);
            using (var copy = RoundTrip(block)) Assert.Equal(4, copy.Buf.Span[0]); // its own mapping: closing it leaves the original's
            Assert.Equal(4, block.Buf.Span[0]);
            Assert.Equal(5, RoundTrip(dict)["k"]);
            Assert.True(reader.Poll(Patience), "the message sent before never arrived");
            Assert.Equal(2, reader.Recv());
        }
        finally
        {
            block.Unlink(); // a failed assertion must not leave the block in /dev/shm
        }
    }

    private T RoundTrip<T>(T value) where T : notnull =>
        (T)Mp.Runtime.Payloads.Deserialize(Mp.Runtime.Payloads.Serialize(value, "a handle"), "a handle");

    // What belongs to one process: it must only ever be reached through an [Ignore] field.
    private static readonly Type[] LocalTypes =
    [
        typeof(Multiprocessing.Runtime.NodeRuntime), typeof(Multiprocessing.Queues.QueueEnd), typeof(Multiprocessing.Pipes.ConnectionEnd),
        typeof(Multiprocessing.Processes.ProcessLife), typeof(Multiprocessing.Values.IValueBacking), typeof(Multiprocessing.Values.ValueLock),
        typeof(MpSharedMemory).GetNestedType("Attachment", BindingFlags.NonPublic)!,
        typeof(Multiprocessing.Managers.ObjectChannel).GetNestedType("Local", BindingFlags.NonPublic)!,
    ];

    /// <summary>
    /// In the graph of <paramref name="handle"/>'s objects of the library's own types: every [Ignore] field, and every
    /// object reached through the fields that travel.
    /// </summary>
    private static (List<(FieldInfo Field, object? Value)> Sides, HashSet<object> Travelling) Graph(object handle)
    {
        var library = typeof(MpContext).Assembly;
        var found = new List<(FieldInfo, object?)>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var next = new Stack<object>([handle]);
        while (next.TryPop(out var current))
        {
            if (!seen.Add(current)) continue;
            for (var type = current.GetType(); type is not null && type != typeof(object); type = type.BaseType)
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    var fieldValue = field.GetValue(current);
                    if (field.IsDefined(typeof(IgnoreAttribute))) found.Add((field, fieldValue));
                    else if (fieldValue is not null && fieldValue.GetType().Assembly == library) next.Push(fieldValue);
                }
        }
        return (found, seen);
    }

    private sealed class Marked
    {
        public string? Kept;
        [Ignore] public string? Skipped;
    }
}
