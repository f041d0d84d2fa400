namespace Multiprocessing.Tests.Pools;

/// <summary>What an actor system of a spec needs to run a pool's actors without a node runtime.</summary>
internal static class PoolSpecs
{
    /// <summary>The pool workers' dispatcher (multiprocessing.pool.dispatcher), as reference.conf has it.</summary>
    public const string Dispatcher = """

        multiprocessing.pool.dispatcher {
          type = "Multiprocessing.Runtime.InlineDispatcherConfigurator, Multiprocessing"
          executor = default-executor
          throughput = 100
        }
        """;
}
