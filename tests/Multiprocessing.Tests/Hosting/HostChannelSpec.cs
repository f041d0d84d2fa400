using Multiprocessing.Hosting.Spawn;

namespace Multiprocessing.Tests.Hosting;

/// <summary>
/// The frames between the coordinator and a spawn host: a host can die in the middle of writing one, and the
/// coordinator's reader must then see the end of the stream, not throw (an exception on that thread ended the
/// coordinator: seen in a benchmark run, "Byte array for Guid must be exactly 16 bytes long").
/// </summary>
public sealed class HostChannelSpec
{
    private static byte[] Written(Frame frame)
    {
        var output = new MemoryStream();
        new HostChannel(Stream.Null, output).Write(frame);
        return output.ToArray();
    }

    private static Frame? ReadFrom(byte[] bytes) => new HostChannel(new MemoryStream(bytes), Stream.Null).Read();

    [Fact]
    public void A_whole_frame_reads_back_as_it_was_written()
    {
        var frame = new Frame(FrameKind.Output, Guid.NewGuid(), 1, "a line", [1, 2, 3]);
        var read = ReadFrom(Written(frame));
        Assert.NotNull(read);
        Assert.Equal((frame.Kind, frame.Id, frame.Number, frame.Text), (read.Kind, read.Id, read.Number, read.Text));
        Assert.Equal(frame.Bytes, read.Bytes);
    }

    [Fact]
    public void A_frame_cut_anywhere_reads_as_the_end_of_the_stream()
    {
        var bytes = Written(new Frame(FrameKind.Exited, Guid.NewGuid(), 3, "done", [9, 9]));
        for (var length = 0; length < bytes.Length; length++)
            Assert.Null(ReadFrom(bytes[..length]));
    }
}
