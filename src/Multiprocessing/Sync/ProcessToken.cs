using System.Runtime.CompilerServices;
using Akka.Actor;
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
    private sealed class Tokens
    {
        public readonly Dictionary<ActorSystem, IActorRef> BySystem = [];
        public bool Ended;
    }

    private static readonly ConditionalWeakTable<MpProcess, Tokens> Table = new();
    private static long _counter;

    /// <summary>The token of the current process in <paramref name="runtime"/>'s actor system, created on first use.</summary>
    public static IActorRef Of(NodeRuntime runtime)
    {
        var process = Mp.CurrentProcess();
        var tokens = Table.GetValue(process, _ => new Tokens());
        lock (tokens)
        {
            if (tokens.Ended) throw new InvalidOperationException($"{process.Name} has ended: it can no longer use locks or other shared objects.");
            if (tokens.BySystem.TryGetValue(runtime.System, out var token)) return token;
            token = runtime.System.ActorOf(Props.Empty, $"mp-process-token-{Interlocked.Increment(ref _counter)}");
            tokens.BySystem[runtime.System] = token;
            if (!ReferenceEquals(process, NodeRuntime.MainProcess))
                ProcessLife.Of(process).OnExit(() =>
                {
                    End(process);
                    return Task.CompletedTask;
                });
            return token;
        }
    }

    /// <summary>The process ended (or was terminated while its thread still runs): what it held is released as abandoned.</summary>
    public static void End(MpProcess process)
    {
        var tokens = Table.GetValue(process, _ => new Tokens());
        lock (tokens)
        {
            tokens.Ended = true;
            foreach (var token in tokens.BySystem.Values) token.Tell(PoisonPill.Instance);
            tokens.BySystem.Clear();
        }
    }
}
