namespace Multiprocessing.Tests.Support;

/// <summary>What the tests that SIGKILL queue consumers share: ending the survivors, taking back what the dead ones had borrowed.</summary>
public static class KilledConsumers
{
    /// <summary>Puts one <paramref name="sentinel"/> per live consumer and waits for each to end with exit code 0.</summary>
    public static void EndAll<T>(MpQueue<T> queue, IReadOnlyCollection<MpProcess> live, T sentinel, TimeSpan patience)
    {
        foreach (var _ in live) queue.Put(sentinel);
        foreach (var process in live)
        {
            Assert.True(process.Join(patience), $"{process.Name} did not end");
            Assert.Equal(0, process.ExitCode);
        }
    }

    /// <summary>
    /// What the killed consumers had not received comes back once their deaths are known: takes it until the queue
    /// is empty (within <paramref name="patience"/>), leaving out <paramref name="isSentinel"/> items.
    /// </summary>
    public static List<T> TakeWhatCameBack<T>(MpQueue<T> queue, Func<T, bool> isSentinel, TimeSpan patience)
    {
        var taken = new List<T>();
        var deadline = DateTime.UtcNow + patience;
        while (queue.QSize() > 0 && DateTime.UtcNow < deadline)
        {
            try
            {
                var item = queue.Get(block: true, TimeSpan.FromMilliseconds(500))!;
                if (!isSentinel(item)) taken.Add(item);
            }
            catch (MpQueueEmptyException)
            {
                // Lent to a dead consumer whose death is not known yet: ask again.
            }
        }
        Assert.Equal(0, queue.QSize());
        return taken;
    }

    /// <summary>
    /// Every item of 0..<paramref name="items"/>-1 arrived once in <paramref name="all"/> (the consumers' records and what
    /// was taken back), none twice; a kill can land between Get returning and the record being written: at most that
    /// one item per kill is missing.
    /// </summary>
    public static void AssertEachOnce(IReadOnlyList<int> all, int items, int kills, int takenBack, Xunit.Abstractions.ITestOutputHelper output)
    {
        var twice = all.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"received twice: {string.Join(", ", twice.Take(20))}");
        var missing = Enumerable.Range(0, items).Except(all).ToList();
        output.WriteLine($"{takenBack} taken back by the test, {missing.Count} received by a killed consumer's code before it could record them");
        Assert.True(missing.Count <= kills, $"{missing.Count} items lost: {string.Join(", ", missing.Take(20))}");
    }
}
