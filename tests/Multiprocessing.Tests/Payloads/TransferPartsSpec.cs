using Multiprocessing.Transfers;

namespace Multiprocessing.Tests.Payloads;

/// <summary>A transfer's bytes cut into chunks anywhere, across its parts (empty ones too), and put back whole.</summary>
public sealed class TransferPartsSpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64 * 1024)]
    public void Chunks_cut_anywhere_rebuild_every_part(int chunk)
    {
        byte[] Random(int n)
        {
            var bytes = new byte[n];
            System.Random.Shared.NextBytes(bytes);
            return bytes;
        }
        var body = Random(13);
        byte[][] detached = [Random(100_000), [], Random(1), [], Random(70_000)];
        var sending = new TransferParts(body, detached);
        Assert.Equal(13 + 170_001, sending.Length);

        var receiving = TransferParts.Receiving(body.Length, sending.DetachedLengths);
        Assert.Equal(sending.Length, receiving.Length);
        for (long at = 0; at < sending.Length; at += chunk)
        {
            var length = (int)Math.Min(chunk, sending.Length - at);
            receiving.Write(at, sending.Read(at, length));
        }
        Assert.Equal(body, receiving.Body);
        Assert.Equal(detached.Length, receiving.Detached.Length);
        for (var i = 0; i < detached.Length; i++) Assert.Equal(detached[i], receiving.Detached[i]);
    }
}
