using Multiprocessing.Runtime;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Cli;

/// <summary>The two programs, run as a user runs them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly ConfigurationMistakes _mistakes = new();

    public void Dispose() => _mistakes.Dispose();

    [Theory]
    [MemberData(nameof(ConfigurationMistakes.Cases), MemberType = typeof(ConfigurationMistakes))]
    public void A_configuration_mistake_makes_both_programs_print_the_librarys_one_line_and_exit_2(string mistake, string named)
    {
        var file = _mistakes.File(mistake);
        var expected = Assert.Throws<MpConfigurationException>(() => MpConfig.Load(file)).Message;
        Assert.Contains(named, expected);
        // Both at once: each spends most of its life starting the runtime.
        using var coordinator = DotnetProgram.Start("Coordinator", "demo", "--config", file);
        using var worker = DotnetProgram.Start("WorkerNode", "--seed", "akka.tcp://mp@127.0.0.1:9", "--config", file);
        foreach (var program in new[] { coordinator, worker })
        {
            Assert.Equal(2, program.WaitForExit(Patience));
            Assert.Equal(expected, program.Error.Trim());
        }
    }

    [Theory]
    [InlineData("demo", "bogus")]
    [InlineData("demo", "--frobnicate")]
    [InlineData("demo", "--workers")]
    [InlineData("launch")]
    public void Coordinator_prints_usage_and_exits_2_on_bad_arguments(params string[] args)
    {
        using var coordinator = DotnetProgram.Start("Coordinator", args);
        Assert.Equal(2, coordinator.WaitForExit(Patience));
        Assert.Contains("usage: Coordinator demo", coordinator.Error);
    }

    [Fact]
    public void Worker_prints_usage_and_exits_2_without_a_seed()
    {
        using var worker = DotnetProgram.Start("WorkerNode", "--config", "x.conf");
        Assert.Equal(2, worker.WaitForExit(Patience));
        Assert.Contains("usage: WorkerNode --seed", worker.Error);
    }

    [Fact]
    public void A_demo_s_standard_output_holds_exactly_its_lines_while_the_log_goes_to_standard_error()
    {
        // Security off: the coordinator logs a warning at start, so there is a log line to keep out of stdout.
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "multiprocessing.security = off\n");
        using var coordinator = DotnetProgram.Start("Coordinator", "demo", "pool", "--workers", "1", "--config", file);
        try
        {
            Assert.Equal(0, coordinator.WaitForExit(Patience));
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Equal(
            ["=== 5. Pool ===", "map    : [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]", "starmap: [2, 12, 20]", ""],
            coordinator.Output.Split('\n').Select(l => l.TrimEnd('\r')).SkipLast(1));
        Assert.Contains(coordinator.Error.Split('\n'), l => l.StartsWith("[WARNING]") && l.Contains("multiprocessing.security = off"));
    }

    [Fact]
    public void Demo_runs_every_available_section_in_notebook_order_and_names_the_rest()
    {
        using var coordinator = DotnetProgram.Start("Coordinator", "demo");
        Assert.Equal(0, coordinator.WaitForExit(Patience));
        var lines = coordinator.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        int At(string line)
        {
            var index = lines.IndexOf(line);
            Assert.True(index >= 0, $"missing line '{line}' in:\n{coordinator.Output}");
            return index;
        }

        // 2.1: the main process's lines in order; the avengers speak between start and join.
        Assert.True(At("MainProcess: Calling Ironman.") < At("MainProcess: Calling Captain."));
        Assert.True(At("MainProcess: Calling Captain.") < At("MainProcess: Waiting Ironman & Captain for saving the world!"));
        var saved = At("MainProcess: Oh yeah! They saved us!");
        Assert.True(At("Process-1: Ironman comes to save the world!") < At("Process-1: Ironman finished his work."));
        Assert.True(At("Process-1: Ironman finished his work.") < saved);
        Assert.True(At("Process-2: Captain finished his work.") < saved);
        // The loop of five.
        foreach (var (name, index) in new[] { "Ironman", "Hulk", "Thor", "Ant-man", "Wasp" }.Select((n, i) => (n, i + 3)))
            Assert.True(At($"Process-{index}: {name} comes to save the world!") < At($"Process-{index}: {name} finished his work."));
        // 2.2: subclasses named after their avenger.
        Assert.True(At("Ironman: Ironman comes to save the world!") < At("Ironman: Ironman finished his work."));
        Assert.True(At("Captain: Captain comes to save the world!") < At("Captain: Captain finished his work."));
        // 3.1: every avenger's secret, then the listener's last word.
        var heard = At("Avengers have nothing more to say!");
        foreach (var name in new[] { "Ironman", "Hulk", "Thor", "Ant-man", "Wasp" })
            Assert.Contains(lines, l => l.EndsWith($": {name} says something secret!") && lines.IndexOf(l) < heard);
        // 3.2: the fight goes on until one of them is dead.
        var fight = lines.Skip(At("=== 3.2. Pipe ===") + 1).TakeWhile(l => l.Length > 0).ToList();
        Assert.Contains(fight, l => l.StartsWith("Thanos has now "));
        Assert.Contains(fight, l => l.StartsWith("Ironman has now "));
        Assert.Single(fight, l => l is "Ironman is dead!" or "Thanos is dead!");
        // Sections in notebook order.
        Assert.True(At("=== 2. The Process class ===") < At("=== 3.1. Queue ==="));
        Assert.True(At("=== 3.1. Queue ===") < At("=== 3.2. Pipe ==="));
        Assert.True(At("=== 3.2. Pipe ===") < At("=== 5. Pool ==="));
        Assert.True(At("=== 5. Pool ===") < At("map    : [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]"));
        Assert.Equal(At("map    : [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]") + 1, At("starmap: [2, 12, 20]"));
        Assert.True(At("starmap: [2, 12, 20]") < At("=== 6. Utility functions ==="));
        Assert.Contains($"cpu_count()       : {Environment.ProcessorCount}", lines);
        Assert.Contains(lines, l => l.StartsWith("in the child      : current_process()=Process-") && l.Contains("parent_process()=MainProcess (pid "));
        // 4.1: the child's writes, seen by the parent.
        Assert.True(At("=== 4.1. Shared memory: Value, Array ===") < At("3.1415927"));
        Assert.True(At("3.1415927") < At("[-0.0, -1.0, -2.0, -3.0, -4.0]"));
        Assert.True(At("[-0.0, -1.0, -2.0, -3.0, -4.0]") < At("[10, 1, 2, 3, 4, 5, 6, 7, 8, 9]"));
        // 4.2: the child's dict and reversed list, printed by the parent as Python does.
        Assert.Equal(At("=== 4.2. Server process: Manager ===") + 1, At("{1: '1', '2': 2, 0.25: None}"));
        Assert.Equal(At("{1: '1', '2': 2, 0.25: None}") + 1, At("[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]"));
        Assert.Equal(At("[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]") + 1, At("array('d', [1.0, 0.0, 0.0, 0.0, 0.0])"));
        // 4.3: two children squared the block in place; a child changed the list.
        Assert.True(At("array('d', [1.0, 0.0, 0.0, 0.0, 0.0])") < At("=== 4.3. shared_memory: SharedMemory, ShareableList ==="));
        Assert.Equal(At("=== 4.3. shared_memory: SharedMemory, ShareableList ===") + 1, At("[0.0, 1.0, 4.0, 9.0, 16.0, 25.0, 36.0, 49.0]"));
        Assert.Equal(At("[0.0, 1.0, 4.0, 9.0, 16.0, 25.0, 36.0, 49.0]") + 1, At("['howdy', b'HoWdY', -78.5, 100, 'dry ice', True, 42]"));
        Assert.Equal(At("['howdy', b'HoWdY', -78.5, 100, 'dry ice', True, 42]") + 1, At("8s8sdq8sxxxxxxx?q"));
        Assert.True(At("8s8sdq8sxxxxxxx?q") < At("=== 5. Pool ==="));
        Assert.DoesNotContain("Not available yet", coordinator.Error);
    }
}
