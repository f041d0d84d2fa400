using Multiprocessing.Messages.Queues;

namespace Multiprocessing.Queues;

/// <summary>
/// The consumption ledgers a queue's host has mapped: one mapping per consumer process of this host
/// while the queue lends it items, so that it can still be read once that process is killed (its file
/// may be removed by then). Used from the hosting actor only.
/// </summary>
internal sealed class LedgerReaders : IDisposable
{
    // A consumer borrows again as soon as its lease ends: its ledger stays mapped between leases
    // (mapping a file for every batch of items cost a fifth of a local queue's throughput). Only the
    // least recently used of the ledgers no lease holds are unmapped, beyond this many.
    private const int IdleMappingsKept = 16;

    private sealed class Mapping(ConsumptionLedger.Reader reader)
    {
        public ConsumptionLedger.Reader Reader { get; } = reader;
        public int Holds { get; set; } = 1;
    }

    private readonly Dictionary<string, Mapping> _mapped = [];
    private readonly LinkedList<string> _idle = []; // least recently released first

    /// <summary>Maps the ledger of <paramref name="slot"/> (once per file) if it is on this host.</summary>
    public void Hold(LedgerSlot slot)
    {
        if (_mapped.TryGetValue(slot.Path, out var mapping))
        {
            if (mapping.Holds++ == 0) _idle.Remove(slot.Path);
        }
        else if (ConsumptionLedger.Open(slot) is { } reader) _mapped[slot.Path] = new Mapping(reader);
    }

    /// <summary>The last item received through the slot's handle (-1: none); null when the ledger is not mapped here.</summary>
    public long? Read(LedgerSlot slot) => _mapped.TryGetValue(slot.Path, out var mapping) ? mapping.Reader.Consumed(slot.Index) : null;

    public void Release(LedgerSlot slot)
    {
        if (!_mapped.TryGetValue(slot.Path, out var mapping) || --mapping.Holds > 0) return;
        _idle.AddLast(slot.Path);
        if (_idle.Count <= IdleMappingsKept) return;
        var oldest = _idle.First!.Value;
        _idle.RemoveFirst();
        _mapped.Remove(oldest, out var unmapped);
        unmapped!.Reader.Dispose();
    }

    public void Dispose()
    {
        foreach (var mapping in _mapped.Values) mapping.Reader.Dispose();
        _mapped.Clear();
        _idle.Clear();
    }
}
