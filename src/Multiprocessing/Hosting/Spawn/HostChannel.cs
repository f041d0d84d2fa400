using System.Text;

namespace Multiprocessing.Hosting.Spawn;

/// <summary>What travels on the pipes between the coordinator and a spawn host.</summary>
internal enum FrameKind : byte
{
    /// <summary>host: warmed up, waiting for its process (Number: pid).</summary>
    Ready = 1,
    /// <summary>coordinator: run this process (Id, Text: name, Bytes: payload).</summary>
    Run = 2,
    /// <summary>host: the process runs (Id, Number: pid).</summary>
    Started = 3,
    /// <summary>host: one line the process wrote (Id, Number: 1 for stderr, Text).</summary>
    Output = 4,
    /// <summary>host: the process finished (Id, Number: exit code).</summary>
    Exited = 5,
    /// <summary>coordinator: the exit is recorded, end the host.</summary>
    Ack = 6,
    /// <summary>host: still waiting, it has connected to the cluster ahead of its process.</summary>
    Connected = 7,
    /// <summary>coordinator, first of all when security is on: the cluster's credentials (Text: PEM). Worker nodes read it too.</summary>
    Credentials = 8,
    /// <summary>host: its actor system is up (Text: its address).</summary>
    Joined = 9,
    /// <summary>coordinator, to a host that runs its process: another host ended (Text: its address).</summary>
    HostGone = 10,
    /// <summary>coordinator, to an idle spare: not needed any more (an orderly end; the end of stdin means the coordinator died).</summary>
    Stop = 11,
}

internal sealed record Frame(FrameKind Kind, Guid Id = default, int Number = 0, string Text = "", byte[]? Bytes = null);

/// <summary>
/// Binary frames over a pair of streams (the host's stdin and stdout). A spawn host
/// needs no actor system to be told its process and to report on it, so it starts in tens of
/// milliseconds; it starts Akka only if its process touches the cluster.
/// </summary>
internal sealed class HostChannel(Stream input, Stream output)
{
    private readonly BinaryReader _reader = new(input, Encoding.UTF8, leaveOpen: true);
    private readonly BinaryWriter _writer = new(output, Encoding.UTF8, leaveOpen: true);

    public void Write(Frame frame)
    {
        lock (_writer)
        {
            _writer.Write((byte)frame.Kind);
            _writer.Write(frame.Id.ToByteArray());
            _writer.Write(frame.Number);
            _writer.Write(frame.Text);
            var bytes = frame.Bytes ?? [];
            _writer.Write(bytes.Length);
            _writer.Write(bytes);
            _writer.Flush();
        }
    }

    // No payload comes near this: a larger length means the stream is not speaking this protocol.
    private const int MaximumBytes = 1 << 30;

    /// <summary>The next frame, or null once the other side has closed its end or written something that is not a frame.</summary>
    public Frame? Read()
    {
        try
        {
            var kind = (FrameKind)_reader.ReadByte();
            if (!Enum.IsDefined(kind)) return null;
            var idBytes = _reader.ReadBytes(16);
            if (idBytes.Length != 16) return null; // the stream ended inside a frame (the host died writing it)
            var id = new Guid(idBytes);
            var number = _reader.ReadInt32();
            var text = _reader.ReadString();
            var length = _reader.ReadInt32();
            if (length is < 0 or > MaximumBytes) return null;
            var bytes = _reader.ReadBytes(length);
            return bytes.Length == length ? new Frame(kind, id, number, text, bytes) : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException or FormatException)
        {
            return null;
        }
    }

    public void CloseOutput() => output.Close();
}
