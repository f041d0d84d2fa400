using Multiprocessing.Messages.Queues;

namespace Multiprocessing.Queues;

/// <summary>
/// The consumption ledgers a queue's host has mapped: one mapping per consumer process of this host
/// while the queue lends it items, so that it can still be read once that process is killed (its file
/// may be removed by then). Used from the hosting actor only.
/// </summary>
internal sealed class LedgerReaders : IDisposable
{
    private sealed class Mapping(ConsumptionLedger.Reader reader)
    {
        public ConsumptionLedger.Reader Reader { get; } = reader;
        public int Holds { get; set; } = 1;
    }

    private readonly Dictionary<string, Mapping> _mapped = [];

    /// <summary>Maps the ledger of <paramref name="slot"/> (once per file) if it is on this host.</summary>
    public void Hold(LedgerSlot slot)
    {
        if (_mapped.TryGetValue(slot.Path, out var mapping)) mapping.Holds++;
        else if (ConsumptionLedger.Open(slot) is { } reader) _mapped[slot.Path] = new Mapping(reader);
    }

    /// <summary>The last item received through the slot's handle (-1: none); null when the ledger is not mapped here.</summary>
    public long? Read(LedgerSlot slot) => _mapped.TryGetValue(slot.Path, out var mapping) ? mapping.Reader.Consumed(slot.Index) : null;

    public void Release(LedgerSlot slot)
    {
        if (!_mapped.TryGetValue(slot.Path, out var mapping) || --mapping.Holds > 0) return;
        _mapped.Remove(slot.Path);
        mapping.Reader.Dispose();
    }

    public void Dispose()
    {
        foreach (var mapping in _mapped.Values) mapping.Reader.Dispose();
        _mapped.Clear();
    }
}
