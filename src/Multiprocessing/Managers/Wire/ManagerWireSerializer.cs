using Akka.Actor;
using Akka.Serialization;

namespace Multiprocessing.Managers.Wire;

/// <summary>
/// Akka's serializer for the Manager's call messages (bound in reference.conf): <see cref="ManagerWire"/>'s compact
/// form over Akka.Remote too, where pipelined and batched calls and the shard regions' envelopes go.
/// </summary>
internal sealed class ManagerWireSerializer : Serializer
{
    /// <summary>One number per serializer in a cluster (Akka's own take 1-100).</summary>
    public const int Id = 7411;

    // Made at first use: Akka makes its serializers while it sets up the serialization this one falls back on.
    private readonly Lazy<ManagerWire> _wire;

    public ManagerWireSerializer(ExtendedActorSystem system) : base(system) =>
        _wire = new(() => new ManagerWire(system.Serialization.FindSerializerForType(typeof(object))));

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => _wire.Value.Write(obj);

    public override object FromBinary(byte[] bytes, Type type) => _wire.Value.Read(bytes);
}
