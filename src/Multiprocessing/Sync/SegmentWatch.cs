using Akka.Actor;
using Multiprocessing.Messages;

namespace Multiprocessing.Sync;

/// <summary>
/// For the actor of a same-host object that parks waiters from other hosts: a thread of its own waits on the shared
/// memory (a futex wait must never block the actor's dispatcher) until what they wait for happens, or a second has
/// passed, and tells the actor which; the actor starts it again while waiters are parked. One at a time.
/// </summary>
internal sealed class SegmentWatch(string threadName)
{
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    private bool _watching;

    /// <summary>Starts the thread unless one runs: <paramref name="wait"/> for at most a round, then <paramref name="report"/> of its result to <paramref name="actor"/>.</summary>
    public void Start(IActorRef actor, Func<TimeSpan, bool> wait, Func<bool, ICorrelated> report)
    {
        if (_watching) return;
        _watching = true;
        new Thread(() => actor.Tell(report(wait(Round)))) { IsBackground = true, Name = threadName }.Start();
    }

    /// <summary>The actor received the thread's report: the next <see cref="Start"/> starts another.</summary>
    public void Ended() => _watching = false;
}
