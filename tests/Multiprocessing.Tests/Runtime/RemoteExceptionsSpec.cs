using Multiprocessing.Managers;
using Multiprocessing.Messages.Pools;
using Multiprocessing.Pools;

namespace Multiprocessing.Tests.Runtime;

/// <summary>One codec for exceptions raised in another process: a pool task's and a Manager object's come back alike.</summary>
public sealed class RemoteExceptionsSpec
{
    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static Exception ThroughPool(Exception e) =>
        RemoteErrors.Rebuild(RemoteErrors.Failed(new RunChunk(1, 0, null, []), Thrown(e), "PoolWorker-3"));

    private static Exception ThroughManager(Exception e) => ObjectFaults.Rebuild(ObjectFaults.Of(1, Thrown(e)));

    public static TheoryData<string> Paths => new() { "pool", "manager" };

    private static Exception Through(string path, Exception e) => path == "pool" ? ThroughPool(e) : ThroughManager(e);

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_same_type_comes_back_with_its_message_and_the_remote_stack_trace_above_the_local_one(string path)
    {
        var rebuilt = Assert.IsType<InvalidOperationException>(Through(path, new InvalidOperationException("five is not welcome")));
        Assert.Equal("five is not welcome", rebuilt.Message);
        Assert.Contains(nameof(Thrown), rebuilt.StackTrace);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_type_whose_one_string_constructor_takes_something_else_keeps_its_message(string path)
    {
        // ArgumentNullException(string) takes a parameter name, ObjectDisposedException(string) an object name.
        Assert.Equal("no value given", Assert.IsType<ArgumentNullException>(Through(path, new ArgumentNullException(null, "no value given"))).Message);
        Assert.Equal("gone already", Assert.IsType<ObjectDisposedException>(Through(path, new ObjectDisposedException(null, "gone already"))).Message);
    }

    [Fact]
    public void A_type_that_does_not_load_here_comes_back_as_the_caller_s_own_kind_naming_it_with_the_remote_stack_trace()
    {
        const string Missing = "Their.Missing.Exception, TheirAssembly", Trace = "   at Their.Code.Run()";

        var task = Assert.IsType<MpRemoteTaskException>(RemoteErrors.Rebuild(new ChunkFailed(1, 0, Missing, "boom", Trace, "PoolWorker-3")));
        Assert.Equal("Their.Missing.Exception", task.RemoteType);
        Assert.Equal("Their.Missing.Exception: boom", task.Message);
        Assert.Contains("Their.Code.Run", task.StackTrace);
        Assert.Contains("in pool worker PoolWorker-3", task.StackTrace);

        var managed = Assert.IsType<MpManagerException>(ObjectFaults.Rebuild(new Messages.Managers.ObjectFault(1, Missing, "boom", Trace)));
        Assert.Equal("Their.Missing.Exception: boom", managed.Message);
        Assert.Contains("Their.Code.Run", managed.StackTrace);
    }
}
