using Akka.Actor;
using Multiprocessing.Messages;
using Multiprocessing.Messages.Pipes;
using Multiprocessing.Processes;
using Multiprocessing.Runtime;

namespace Multiprocessing.Pipes;

/// <summary>
/// A connection handle's local side in one process, held in a field the serializer skips (the handle travels).
/// Used in a process other than the one holding its endpoint, it first moves the endpoint here,
/// so that the mailbox of an end lives in the process that uses it; when that process ends
/// normally the end goes back, so that other holders lose nothing.
/// </summary>
internal sealed class ConnectionEnd
{
    private IActorRef _origin = ActorRefs.Nobody;
    private readonly NodeRuntime _runtime;
    private readonly object _bindLock = new();
    private IActorRef? _endpoint;
    private readonly List<MpProcess> _handedTo = [];
    private readonly PipeCredit _credit;
    private volatile bool _closed;

    private ConnectionEnd(NodeRuntime? runtime)
    {
        _runtime = runtime ?? DefaultRuntime.CurrentOrOnDemand ?? throw new InvalidOperationException("No multiprocessing cluster runs here.");
        _credit = new PipeCredit(_runtime.Settings.PipeUnreadLimit);
    }

    /// <summary>The endpoint this end was made with (the origin), or the one it was serialized with.</summary>
    public IActorRef Origin => _origin;

    /// <summary>The local side of a handle that travelled here.</summary>
    public static ConnectionEnd Travelled(IActorRef endpoint) => new(null) { _origin = endpoint };

    /// <summary>Creates the two ends of a new pipe, their endpoints in this process.</summary>
    public static (ConnectionEnd First, ConnectionEnd Second) NewPipe(NodeRuntime runtime)
    {
        var first = new ConnectionEnd(runtime);
        var second = new ConnectionEnd(runtime);
        first._origin = first._endpoint = runtime.System.ActorOf(first.EndpointProps());
        second._origin = second._endpoint = runtime.System.ActorOf(second.EndpointProps());
        first._origin.Tell(new PipeHandover(second._origin, 0, 0, [], long.MaxValue, ActorRefs.Nobody));
        second._origin.Tell(new PipeHandover(first._origin, 0, 0, [], long.MaxValue, ActorRefs.Nobody));
        return (first, second);
    }

    public byte[] Serialize<T>(T item) => _runtime.Payloads.SerializeItem(item, "pipe message");

    public T? Deserialize<T>(byte[] bytes) => _runtime.Payloads.DeserializeItem<T>(bytes, "pipe message");

    /// <summary>Sends <paramref name="data"/>, first waiting while the reader is multiprocessing.pipes.unread-limit behind; <see cref="IOException"/> once the peer is closed or gone.</summary>
    public void Send(byte[] data)
    {
        var endpoint = Endpoint();
        _credit.Take(data.LongLength);
        using var inline = InlineDispatcher.Allow(); // the end, if idle, sends it on from this thread
        endpoint.Tell(new PipeSend(data));
    }

    /// <summary><see cref="Send"/>, waiting for room without holding a thread.</summary>
    public async Task SendAsync(byte[] data, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint();
        await _credit.TakeAsync(data.LongLength, cancellationToken);
        using var inline = InlineDispatcher.Allow(); // as Send: the end, if idle, sends it on from this thread
        endpoint.Tell(new PipeSend(data));
    }

    /// <summary>The next message; <see cref="EndOfStreamException"/> once the peer is closed or gone and nothing is left.</summary>
    public async Task<byte[]> RecvAsync(CancellationToken cancellationToken) =>
        Received(await _runtime.Correlator.RequestAsync(Endpoint(), Next, null, cancellationToken));

    /// <summary><see cref="RecvAsync"/> for a caller that blocks (woken by the reply itself).</summary>
    public byte[] Recv()
    {
        using var inline = InlineDispatcher.Allow(); // a message already there comes back on this thread
        return Received(_runtime.Correlator.Request(Endpoint(), Next, null, CancellationToken.None));
    }

    /// <summary>Whether a message (or the end of the stream) can be read within <paramref name="timeout"/>.</summary>
    public async Task<bool> PollAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _runtime.Correlator.RequestAsync(Endpoint(), Peek(timeout), Waited(timeout), cancellationToken) is PipeReady { Ready: true };

    /// <summary><see cref="PollAsync"/> for a caller that blocks.</summary>
    public bool Poll(TimeSpan timeout) =>
        _runtime.Correlator.Request(Endpoint(), Peek(timeout), Waited(timeout), CancellationToken.None) is PipeReady { Ready: true };

    private static PipeRecv Next(long id) => new(id, Wait: true, Peek: false);

    private static Func<long, ICorrelated> Peek(TimeSpan timeout) => id => new PipeRecv(id, Wait: timeout > TimeSpan.Zero, Peek: true);

    private static TimeSpan? Waited(TimeSpan timeout) => timeout > TimeSpan.Zero ? timeout : null;

    private static byte[] Received(ICorrelated reply) => reply switch
    {
        PipeData data => data.Data,
        _ => throw new EndOfStreamException("The other end of the pipe is closed and nothing is left to read (EOFError)."),
    };

    /// <summary>This process's handle was given to <paramref name="process"/> as an argument: that process holds a copy of it.</summary>
    public static void HandedTo(IEnumerable<object?> args, MpProcess process)
    {
        foreach (var arg in args)
            if (arg is IConnectionHandle { EndHere: { } end })
                lock (end._bindLock) end._handedTo.Add(process);
    }

    /// <summary>
    /// Closes this process's copy. As in Python, the end itself closes (its peer reads what is left,
    /// then end-of-stream) once no copy is open: a process this handle was given to holds one until
    /// it closes it or ends (the parent's <c>child_conn.close()</c> after <c>Process(args=(child_conn,)).start()</c>).
    /// </summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        List<Task<int>> holders;
        lock (_bindLock) holders = [.. _handedTo.Select(p => p.Life.Exit).Where(exit => !exit.IsCompleted)];
        if (holders.Count == 0) CloseEnd();
        else _ = Task.WhenAll(holders).ContinueWith(_ => CloseEnd(), TaskScheduler.Default);
    }

    private void CloseEnd()
    {
        lock (_bindLock) (_endpoint ?? _origin).Tell(new PipeClose());
    }

    public void CheckOpen()
    {
        if (_closed) throw new InvalidOperationException("The connection is closed.");
    }

    private Akka.Actor.Props EndpointProps() => PipeEndActor.Props(_credit, _runtime.Direct, _runtime.Settings.PipeUnreadLimit);

    // The endpoint this process talks to: the original one if it lives here, else one made here
    // that the end is moved into.
    private IActorRef Endpoint()
    {
        CheckOpen();
        lock (_bindLock)
        {
            if (_endpoint is not null) return _endpoint;
            var address = _origin.Path.Address;
            if (!NodeAddresses.IsOtherNode(_runtime.System, address))
                return _endpoint = _origin;
            var local = _runtime.System.ActorOf(EndpointProps());
            _origin.Tell(new PipeRelocate(local));
            // Before this process counts as ended, the end is back where it came from.
            Mp.CurrentProcess().Life.OnExit(() => local.Ask<PipeReturned>(new PipeEndActor.ReturnEnd(), _runtime.Settings.AskTimeout));
            return _endpoint = local;
        }
    }

}

/// <summary>A connection handle, whatever its item type, as a process start sees it among its arguments.</summary>
internal interface IConnectionHandle
{
    /// <summary>Its side in this process, if it was made or used here (null: nothing here to account for).</summary>
    ConnectionEnd? EndHere { get; }
}
