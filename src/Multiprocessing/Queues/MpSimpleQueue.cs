using Multiprocessing.Queues;
using Multiprocessing.Runtime;
using Multiprocessing.Shared;

namespace Multiprocessing;

/// <summary>Python's <c>SimpleQueue</c>: unbounded, with just put, get, empty and close.</summary>
public sealed class MpSimpleQueue<T> : MpQueueHandle<T>
{
    internal MpSimpleQueue(SharedObjectAddress queue, NodeRuntime runtime) : base(queue, maxSize: 0, runtime)
    {
    }
}
