using Multiprocessing.Managers;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Pools;

namespace Multiprocessing.Tests.Runtime;

/// <summary>The library's exceptions: one base, and each comes back as itself from another process.</summary>
public sealed class MpExceptionSpec
{
    private static readonly Type[] Defined =
        [.. typeof(MpException).Assembly.GetTypes().Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(MpException))];

    // Rebuilt from a type name and a message: these two carry more than a message (an exit code; a remote type and trace).
    private static readonly Type[] CarryMore = [typeof(MpProcessExitException), typeof(MpRemoteTaskException)];

    public static TheoryData<Type> Rebuildable() => [.. Defined.Where(t => t.IsPublic && !CarryMore.Contains(t))];

    [Fact]
    public void Every_exception_the_library_defines_is_an_MpException_and_public_ones_are_named_Mp()
    {
        Assert.Contains(typeof(MpQueueEmptyException), Defined);
        Assert.All(Defined, t => Assert.True(typeof(MpException).IsAssignableFrom(t), $"{t.Name} is not an MpException"));
        Assert.All(Defined.Where(t => t.IsPublic), t => Assert.StartsWith("Mp", t.Name));
    }

    [Theory]
    [MemberData(nameof(Rebuildable))]
    public void A_pool_task_s_exception_is_rethrown_at_the_caller_as_the_same_type(Type type)
    {
        var rebuilt = RemoteErrors.Rebuild(new ChunkFailed(1, 0, type.AssemblyQualifiedName!, "remote", "   at Remote()", "PoolWorker-1"));
        Assert.IsType(type, rebuilt);
        Assert.Equal("remote", rebuilt.Message);
    }

    [Theory]
    [MemberData(nameof(Rebuildable))]
    public void A_manager_object_s_exception_is_rethrown_at_the_caller_as_the_same_type(Type type)
    {
        var rebuilt = ObjectFaults.Rebuild(new ObjectFault(1, type.AssemblyQualifiedName!, "remote", null));
        Assert.IsType(type, rebuilt);
        Assert.Equal("remote", rebuilt.Message);
    }
}
