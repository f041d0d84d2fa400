using Akka.Configuration;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Runtime;

/// <summary>A byte[] value is written and read by hand in Hyperion's own format: both must stay the same bytes.</summary>
public sealed class RawBytesSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(MpConfig.Load(null)))
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(70_000)]
    [InlineData(9 << 20)] // large enough to be offered huge pages
    public void Byte_arrays_are_Hyperion_s_bytes_both_ways(int length)
    {
        var value = new byte[length];
        Random.Shared.NextBytes(value);
        var hyperion = Sys.Serialization.FindSerializerForType(typeof(object));

        Assert.Equal(hyperion.ToBinary(value), RawBytes.Serialize(value));
        Assert.Equal(value, RawBytes.TryDeserialize(hyperion.ToBinary(value)));
        Assert.Equal(value, (byte[])hyperion.FromBinary(RawBytes.Serialize(value), typeof(object)));
    }

    [Fact]
    public void Other_values_are_left_to_Hyperion()
    {
        var hyperion = Sys.Serialization.FindSerializerForType(typeof(object));
        Assert.Null(RawBytes.TryDeserialize(hyperion.ToBinary("text")));
        Assert.Null(RawBytes.TryDeserialize(hyperion.ToBinary(new[] { 1, 2, 3 })));
        Assert.Null(RawBytes.TryDeserialize(hyperion.ToBinary(new List<byte[]> { new byte[] { 9, 0, 0, 0, 0 } })));
    }
}
