using Akka.Configuration;
using Multiprocessing.Runtime;

namespace Multiprocessing.Transfers;

/// <summary>How large messages travel (multiprocessing.payloads), sized against the remoting frame.</summary>
/// <param name="MaximumPayload">The largest payload a node sends or takes (multiprocessing.payloads.maximum-size).</param>
/// <param name="InlineBytes">Payload bytes one message may carry whole: half a frame leaves room for its envelope.</param>
/// <param name="ChunkBytes">The bytes of one chunk (multiprocessing.payloads.chunk-size, at most <paramref name="InlineBytes"/>).</param>
/// <param name="WindowBytes">Bytes sent ahead of the receiver's acknowledgements (multiprocessing.payloads.window).</param>
/// <param name="StallTimeout">A transfer that makes no progress this long ends failed (multiprocessing.ask-timeout).</param>
internal sealed record TransferSettings(long MaximumPayload, long InlineBytes, int ChunkBytes, long WindowBytes, TimeSpan StallTimeout)
{
    public static TransferSettings From(Config config)
    {
        var inline = Math.Max(1, MpSettings.FrameSizeOf(config) / 2);
        var chunk = (int)Math.Min(inline, config.GetByteSize("multiprocessing.payloads.chunk-size") ?? inline);
        return new TransferSettings(
            MaximumPayload: config.GetByteSize("multiprocessing.payloads.maximum-size") ?? 1L << 30,
            InlineBytes: inline,
            ChunkBytes: chunk,
            WindowBytes: Math.Max(chunk, config.GetByteSize("multiprocessing.payloads.window") ?? 4L * chunk),
            StallTimeout: config.GetTimeSpan("multiprocessing.ask-timeout", TimeSpan.FromSeconds(30)));
    }
}
