using Akka.Actor;
using Akka.Event;

namespace Multiprocessing.Processes;

/// <summary>
/// Where user code runs on a node: a thread of its own, never a dispatcher thread, so a busy or
/// blocking target cannot starve heartbeats and gossip. Background, so it never keeps its node
/// alive. What escapes the body (a fault in the runner, since user code's own exceptions are caught
/// and reported by it) is logged and handed to <c>onFault</c>, which ends what the thread served as
/// a death would (a process exits with 1, a pool worker stops): an unhandled exception on a thread
/// would end the whole node, with every process and object on it, and a silent end would leave its
/// callers waiting. Actor-mode processes (<see cref="ProcessRunnerActor"/>) and pool workers
/// (<see cref="Pools.PoolWorkerActor"/>) run on one.
/// </summary>
internal static class UserCodeThread
{
    public static Thread Start(ActorSystem system, string name, Action body, Action onFault)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                system.Log.Error(e, "The thread running {0} failed outside its user code; it ends, its node stays", name);
                onFault();
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
