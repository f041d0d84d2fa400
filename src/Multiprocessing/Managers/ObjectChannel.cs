using Multiprocessing.Messages;
using Multiprocessing.Messages.Managers;
using Multiprocessing.Shared;

namespace Multiprocessing.Managers;

/// <summary>
/// How a proxy talks to its Manager object: one <see cref="ObjectCall"/> per operation through the
/// object's address, bounded by multiprocessing.ask-timeout (container operations never wait for
/// anything but the object), its exception rethrown here as the same kind. Serializable with the proxy.
/// </summary>
internal sealed class ObjectChannel(SharedObjectAddress address)
{
    public SharedObjectAddress Address { get; } = address;

    public async Task<IReadOnlyList<byte[]>> CallAsync(string operation, IReadOnlyList<byte[]> args, CancellationToken cancellationToken = default)
    {
        var runtime = Address.Runtime;
        var reply = await Address.RequestAsync(id => new ObjectCall(id, operation, args), runtime.Settings.AskTimeout, cancellationToken);
        return reply switch
        {
            ObjectReturn values => values.Values,
            ObjectFault fault => throw ObjectFaults.Rebuild(fault),
            RequestCancelled => throw new TimeoutException(
                $"The Manager object did not answer '{operation}' within {runtime.Settings.AskTimeout} (multiprocessing.ask-timeout)."),
            _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} to '{operation}'."),
        };
    }

    public IReadOnlyList<byte[]> Call(string operation, params byte[][] args) => CallAsync(operation, args).GetAwaiter().GetResult();

    public byte[] Bytes<T>(T value) => value is null ? [] : Address.Runtime.Payloads.Serialize(value, "a Manager object's argument");

    public T Value<T>(byte[] bytes) => bytes.Length == 0 ? default! : (T)Address.Runtime.Payloads.Deserialize(bytes, "a Manager object's value");
}
