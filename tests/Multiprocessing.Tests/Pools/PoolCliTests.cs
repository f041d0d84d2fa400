using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Pools;

/// <summary>The coordinator's <c>map</c> command, run as a user runs it, its output redirected.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PoolCliTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public void A_long_map_prints_plain_progress_lines_when_the_output_is_not_a_terminal()
    {
        using var coordinator = DotnetProgram.Start("Coordinator", "map", "200", "--chunksize", "10", "--workers", "2");
        Assert.Equal(0, coordinator.WaitForExit(Patience));
        var lines = coordinator.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();

        var progress = lines.Where(l => l.StartsWith("progress: ")).ToList();
        Assert.Equal(11, progress.Count); // the first chunk (5%), then one line per tenth reached
        Assert.Equal("progress: 200/200 (100%)", progress[^1]);
        Assert.DoesNotContain('\r', coordinator.Output);
        var expected = Enumerable.Range(0, 200).Sum(i => i + Enumerable.Range(0, 20_000).Sum(j => (long)j * j));
        Assert.Equal($"map: 200 results, checksum {expected}", lines[^1]);
    }

    [Fact]
    public void Map_without_a_count_prints_usage_and_exits_2()
    {
        using var coordinator = DotnetProgram.Start("Coordinator", "map", "--workers", "1");
        Assert.Equal(2, coordinator.WaitForExit(Patience));
        Assert.Contains("Coordinator map COUNT", coordinator.Error);
    }
}
