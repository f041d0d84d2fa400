using System.Diagnostics;
using Akka.Actor;
using Multiprocessing.Shared;

namespace Multiprocessing.Tests.Runtime;

/// <summary>
/// A call the object answers at once has a deadline (multiprocessing.ask-timeout): an object whose
/// host hangs (here an actor that never answers) makes the call fail with a TimeoutException that
/// names the setting, instead of hanging its caller.
/// </summary>
public sealed class UnansweredCallTests
{
    [Fact]
    public async Task Calls_answered_at_once_fail_after_ask_timeout_when_their_object_never_answers()
    {
        await using var mp = await Mp.StartAsync(new MpOptions { Workers = 0, Config = "multiprocessing.ask-timeout = 300ms" });
        var silent = new SharedObjectAddress(mp.Runtime.System.ActorOf(Props.Empty, "silent")).Bind(mp.Runtime);
        var calls = new (string What, Func<Task> Call)[]
        {
            ("Event.Set", () => new MpEvent(silent).SetAsync()),
            ("Event.IsSet", () => new MpEvent(silent).IsSetAsync()),
            ("Semaphore.Release", () => new MpSemaphore(silent).ReleaseAsync()),
            ("Semaphore.Acquire(block: false)", () => Task.Run(() => new MpSemaphore(silent).Acquire(block: false))),
            ("Semaphore.GetValue", () => Task.Run(() => new MpSemaphore(silent).GetValue())),
        };
        foreach (var (what, call) in calls)
        {
            var clock = Stopwatch.StartNew();
            var failure = await Assert.ThrowsAsync<TimeoutException>(call);
            Assert.Contains("multiprocessing.ask-timeout", failure.Message);
            // The request's deadline, then as long again for the cancel that would settle it.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{what} failed after {clock.Elapsed}");
        }
    }
}
