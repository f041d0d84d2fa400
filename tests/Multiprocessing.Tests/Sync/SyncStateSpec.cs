using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Shared;

namespace Multiprocessing.Tests.Sync;

/// <summary>A synchronisation state in its actor, driven by probes standing in for the callers' inboxes and the process tokens.</summary>
public abstract class SyncStateSpec : Akka.TestKit.Xunit2.TestKit
{
    internal IActorRef Host(SharedState state) => Sys.ActorOf(SharedObjectActor.Props(state));

    /// <summary>
    /// Stops <paramref name="token"/> and returns once <paramref name="state"/> has handled its end:
    /// the state's Terminated (a system message) is handled before the <paramref name="query"/> sent after it.
    /// </summary>
    protected void Gone(IActorRef token, IActorRef state, ICorrelated query)
    {
        Watch(token);
        Sys.Stop(token);
        ExpectTerminated(token);
        state.Tell(query, TestActor);
        ExpectMsg<ICorrelated>(r => r.RequestId == query.RequestId);
    }
}
