using Akka.Actor;
using Akka.Event;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Messages.Queues;
using Multiprocessing.Messages.Shared;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// A fresh host pays for its first message of every type (Hyperion builds its serializers at
/// run time) and for its first process (JIT). A spawn host warms those paths before it says it is
/// ready, so that the cost is paid while it waits, not by the process it is handed. A worker node
/// warms them once it is up and has said so: done before, on 2 cores, the warm-up (0.7-0.9 s a
/// node) held the whole cluster's start back, and a program's first work came later, not sooner.
/// </summary>
internal static class HostWarmUp
{
    /// <summary>
    /// <see cref="Messages"/> and <see cref="Processes"/> on a thread of their own. A process handed to the node
    /// before they end builds what it needs itself.
    /// </summary>
    public static void InBackground(NodeRuntime runtime)
    {
        var thread = new Thread(() =>
        {
            try
            {
                Messages(runtime.System);
                Processes(runtime.Payloads);
            }
            catch (Exception e)
            {
                // Only a cost moved to first use, not a fault of the node: said, and the node goes on.
                runtime.System.Log.Warning("the warm-up of this node failed; its first messages of each type will be slower: {0}", e);
            }
        })
        {
            IsBackground = true,
            Name = "mp-warm-up",
        };
        thread.Start();
    }

    /// <summary>Rebuilds and runs a rehearsal process, as a real one will be.</summary>
    public static void Processes(PayloadSerializer payloads)
    {
        var payload = payloads.Serialize(new MpProcess(Rehearsal, [0]), "warm-up process");
        ((MpProcess)payloads.Deserialize(payload, "warm-up process")).Run();
    }

    /// <summary>Round-trips one message of every type a node exchanges: processes, queues, pipes, Manager calls.</summary>
    public static void Messages(ActorSystem system)
    {
        var id = Guid.NewGuid();
        object[] samples =
        [
            new RunProcess(id, "warm-up", [1], ActorRefs.Nobody),
            new ProcessPlaced(id, "warm-up", 0),
            new ProcessStarted(id, 0, "warm-up"),
            new OutputLine("warm-up", false),
            new ProcessExited(id, 0),
            new ProcessExitAck(id),
            new SignalProcess(id, 0),
            new PlacementFailed(id, "warm-up"),
            new HostLost("warm-up", 0),
            new QueuePut(0, [[1]], true),
            new QueueGet(0, 1, true, new QueueBorrower(ActorRefs.Nobody, 0, -1, new LedgerSlot("warm-up", "warm-up", 0))),
            new QueueItems(0, [[1]], [0]),
            new QueueAck(new QueueBorrower(ActorRefs.Nobody, 0, 0, null)),
            new QueueReturn(0, new QueueBorrower(ActorRefs.Nobody, 0, 0, null), -1, true),
            new QueueDone(0),
            new PipeSend([1]),
            new PipeDeliver(0, [1]),
            new PipeRecv(0, true, false),
            new PipeData(0, [1]),
            new EntityEnvelope("warm-up", new ObjectCall(0, "warm-up", [[1]])),
            new ObjectCalls(0, [new ObjectCall(0, "warm-up", [[1]])]),
            new ObjectReturn(0, [[1]]),
            new ObjectResults(0, [new ObjectReturn(0, [[1]])]),
            new ObjectFault(0, "warm-up", "warm-up", null),
            new DirectLinkQuery(),
            new DirectLinkOffer("warm-up", 0, [1]),
            DirectCallUndelivered.Instance,
        ];
        foreach (var sample in samples)
        {
            var serializer = system.Serialization.FindSerializerFor(sample);
            serializer.FromBinary(serializer.ToBinary(sample), sample.GetType());
        }
    }

    private static void Rehearsal(int _)
    {
    }
}
