using Akka.Actor;
using Multiprocessing.Messages.Hosting;
using Multiprocessing.Messages.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Hosting;

/// <summary>
/// A fresh host pays for its first message of every type (Hyperion builds its serializers at
/// run time) and for its first process (JIT). A host warms those paths before it registers, so
/// that the cost is paid while it waits as a spare, not by the process it is handed.
/// </summary>
internal static class HostWarmUp
{
    public static void Run(NodeRuntime runtime)
    {
        var serialization = runtime.System.Serialization;
        var id = Guid.NewGuid();
        var process = new MpProcess(Rehearsal, [0]);
        var payload = runtime.Payloads.Serialize(process, "warm-up process");
        object[] samples =
        [
            new RunProcess(id, "warm-up", payload, ActorRefs.Nobody),
            new ProcessPlaced(id, "warm-up"),
            new ProcessStarted(id, 0, "warm-up"),
            new OutputLine("warm-up", false),
            new ProcessExited(id, 0),
            new ProcessExitAck(id),
            new SignalProcess(id, 0),
            new PlacementFailed(id, "warm-up"),
            new HostLost("warm-up", 0),
        ];
        foreach (var sample in samples)
        {
            var serializer = serialization.FindSerializerFor(sample);
            serializer.FromBinary(serializer.ToBinary(sample), sample.GetType());
        }
        ((MpProcess)runtime.Payloads.Deserialize(payload, "warm-up process")).Run();
    }

    private static void Rehearsal(int _)
    {
    }
}
