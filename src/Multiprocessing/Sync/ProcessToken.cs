using Akka.Actor;
using Akka.Event;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Sync;

/// <summary>
/// The identity of the running process to the shared objects it uses: an actor in its node's
/// actor system that lives exactly as long as the process. It is stopped when the process ends
/// (normally or terminated) and dies with the OS process if that is killed, so a state that
/// watches it learns that a lock holder or a waiter is gone. MainProcess's token lives with
/// the node's runtime.
/// </summary>
internal static class ProcessToken
{
    /// <summary>One process's tokens, kept in its <see cref="ProcessLife"/>.</summary>
    internal sealed class Tokens
    {
        public readonly Dictionary<ActorSystem, IActorRef> BySystem = [];
        public bool Ended;
    }

    // An empty actor stops at once: this only bounds a process's exit when its actor system is stuck or going down.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The token of <paramref name="process"/> (the current one by default) in <paramref name="runtime"/>'s actor system, created on first use.</summary>
    public static IActorRef Of(NodeRuntime runtime, MpProcess? process = null)
    {
        process ??= Mp.CurrentProcess();
        var tokens = process.Life.Tokens;
        lock (tokens)
        {
            if (tokens.Ended) throw new InvalidOperationException($"{process.Name} has ended: it can no longer use locks or other shared objects.");
            if (tokens.BySystem.TryGetValue(runtime.System, out var token)) return token;
            token = runtime.System.ActorOf(Props.Empty, ActorNames.ProcessToken(runtime.Numbers.NextProcessToken()));
            tokens.BySystem[runtime.System] = token;
            return token;
        }
    }

    /// <summary>
    /// The process ended (or was terminated while its thread still runs), after its exit hooks (what
    /// they settle, a queue's lease, is settled as the process's own): what it held is released
    /// as abandoned. Completes once the tokens are stopped, so that their end is on its way to the
    /// objects that watch them before a single-use host exits (else they learn it only when the
    /// host is detected unreachable, seconds later).
    /// </summary>
    public static Task End(MpProcess process)
    {
        try
        {
            process.Life.SegmentLocks.AbandonAll();
        }
        catch (Exception e)
        {
            // The tokens below must stop whatever happened to the same-host locks: the objects that watch them free the rest.
            process.Life.Context?.Runtime.System.Log.Error(e, "Releasing the same-host locks of {0} as abandoned failed", process.Name);
        }
        var tokens = process.Life.Tokens;
        IActorRef[] stopping;
        lock (tokens)
        {
            tokens.Ended = true;
            stopping = [.. tokens.BySystem.Values];
            tokens.BySystem.Clear();
        }
        return Task.WhenAll(stopping.Select(StopAsync));
    }

    private static async Task StopAsync(IActorRef token)
    {
        try
        {
            await token.GracefulStop(StopTimeout);
        }
        catch (Exception)
        {
            // Best effort (a stop that timed out, an actor system already going down): the watchers
            // then learn it from the node's end, only later. It must not fail the process's exit.
        }
    }
}
