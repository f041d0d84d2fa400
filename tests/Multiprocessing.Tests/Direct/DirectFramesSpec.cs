using System.Buffers.Binary;
using Multiprocessing.Direct;

namespace Multiprocessing.Tests.Direct;

/// <summary>The direct-link frame: what is written reads back whole, and a frame whose lengths lie is refused, not believed.</summary>
public sealed class DirectFramesSpec
{
    private const long Maximum = 64 << 20;

    private static DirectFrames.Received? RoundTrip(DirectFrames.Frame frame)
    {
        var wire = new MemoryStream();
        Assert.True(DirectFrames.TryWrite(wire, frame));
        wire.Position = 0;
        return DirectFrames.ReadFrame(wire, Maximum);
    }

    private static byte[] Single(DirectFrames.Frame frame) => Assert.Single(frame.Pieces);

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(5 << 20)] // past one write: the payload goes from its own arrays
    public void A_frame_reads_back_with_its_paths_message_and_payload(int payloadBytes)
    {
        var large = new byte[payloadBytes];
        Random.Shared.NextBytes(large);
        var frame = DirectFrames.Encode("akka.tcp://s@127.0.0.1:1/user/r", "akka.tcp://s@127.0.0.1:2/user/q", [1, 2, 3], [large, [9], []]);
        // The large array is written from itself, between what is copied before and after it; anything smaller, in one piece.
        Assert.Equal(payloadBytes > 64 * 1024 ? 3 : 1, frame.Pieces.Count);

        var read = RoundTrip(frame)!;
        Assert.Equal("akka.tcp://s@127.0.0.1:1/user/r", read.Path);
        Assert.Equal("akka.tcp://s@127.0.0.1:2/user/q", read.SenderPath);
        Assert.Equal([1, 2, 3], read.Body);
        Assert.Equal(3, read.Segments.Length);
        Assert.Equal(large, read.Segments[0]);
        Assert.Equal([9], read.Segments[1]);
        Assert.Empty(read.Segments[2]);
    }

    [Fact]
    public void The_end_of_the_stream_between_frames_or_inside_one_reads_as_the_end()
    {
        Assert.Null(DirectFrames.ReadFrame(new MemoryStream(), Maximum));
        var head = Single(DirectFrames.Encode("p", "", [1], [new byte[100]]));
        Assert.Null(DirectFrames.ReadFrame(new MemoryStream(head[..^10]), Maximum));
    }

    [Fact]
    public void A_frame_over_the_maximum_is_refused_before_anything_is_allocated()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, int.MaxValue);
        Assert.Throws<InvalidDataException>(() => DirectFrames.ReadFrame(new MemoryStream(header), Maximum));
    }

    [Fact]
    public void A_payload_length_that_runs_past_its_frame_is_refused()
    {
        var head = Single(DirectFrames.Encode("p", "", [1], [new byte[10]]));
        // The last length field (the one array's) claims more than the frame holds.
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(head.Length - 10 - 4), 1 << 20);
        Assert.Throws<InvalidDataException>(() => DirectFrames.ReadFrame(new MemoryStream(head), Maximum));
    }

    [Fact]
    public void Bytes_a_frame_announces_and_does_not_account_for_are_refused()
    {
        var head = Single(DirectFrames.Encode("p", "", [1], [new byte[10]]));
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(head.Length - 10 - 4), 4); // 6 bytes of the frame left unclaimed
        Assert.Throws<InvalidDataException>(() => DirectFrames.ReadFrame(new MemoryStream(head), Maximum));
    }
}
