using System.Diagnostics;

namespace Multiprocessing.Runtime;

/// <summary>
/// A thread about to block on a reply that is likely microseconds away spins for a moment first:
/// on an idle core a thread woken from sleep takes ~25 us to run again here, which alone exceeds
/// a whole round trip between two processes that are awake (measured: loopback ping-pong 58 us
/// when both ends block at once, 9 us when both spin first). Bounded by
/// <c>multiprocessing.spin-before-blocking-micros</c> (0: never spin).
/// </summary>
internal static class SpinBeforeBlocking
{
    /// <summary>Spins until <paramref name="ready"/> or the budget is spent; true when ready.</summary>
    public static bool Until(Func<bool> ready, TimeSpan budget)
    {
        if (ready()) return true;
        if (budget <= TimeSpan.Zero || Environment.ProcessorCount < 2) return false; // one core: spinning only delays the other side
        var start = Stopwatch.GetTimestamp();
        var spinner = new SpinWait();
        while (Stopwatch.GetElapsedTime(start) < budget)
        {
            // Yields now and then: the thread that produces what this one waits for may need this core.
            spinner.SpinOnce(sleep1Threshold: -1);
            if (ready()) return true;
        }
        return false;
    }
}
