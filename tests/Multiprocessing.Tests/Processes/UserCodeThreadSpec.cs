using Multiprocessing.Processes;

namespace Multiprocessing.Tests.Processes;

/// <summary>The one thread user code runs on: background, named, and a fault that escapes it is logged instead of ending the node.</summary>
public sealed class UserCodeThreadSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void A_fault_that_escapes_the_body_is_logged_and_handed_to_its_owner_and_ends_only_its_thread()
    {
        var faulted = new ManualResetEventSlim();
        Thread? thread = null;
        var (background, name) = (false, "");
        // Uncaught, the exception would end this test host, and the run with it.
        EventFilter.Exception<InvalidOperationException>("boom").ExpectOne(() =>
            thread = UserCodeThread.Start(Sys, "runner-under-test", () =>
            {
                (background, name) = (Thread.CurrentThread.IsBackground, Thread.CurrentThread.Name!);
                throw new InvalidOperationException("boom");
            }, faulted.Set));
        Assert.True(thread!.Join(TimeSpan.FromSeconds(10)));
        Assert.True(faulted.IsSet, "the owner was not told"); // else a process's Join or a pool's Map would wait forever
        Assert.True(background);
        Assert.Equal("runner-under-test", name);
    }
}
