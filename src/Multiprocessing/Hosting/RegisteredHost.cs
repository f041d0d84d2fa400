using Akka.Actor;

namespace Multiprocessing.Hosting;

/// <summary>A host that registered with the coordinator: its agent takes the processes placed on it.</summary>
/// <param name="Launched">Its OS process, when this coordinator launched it (so on this machine); null for one joined by hand.</param>
internal sealed record RegisteredHost(string Name, int Pid, IActorRef Agent, LaunchedHost? Launched);
