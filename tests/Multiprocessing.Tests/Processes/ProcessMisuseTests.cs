using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Processes;

/// <summary>Calls Python refuses are refused here too, at the call that is wrong.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProcessMisuseTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public void An_argument_that_cannot_be_serialized_makes_start_throw_naming_its_type()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var process = Mp.Process(Targets.TakeAnything, (object)self);

        var error = Assert.Throws<MpSerializationException>(process.Start);
        Assert.Contains("System.Diagnostics.Process", error.Message);
        Assert.Contains("_args[0]", error.Message);
        Assert.False(process.IsAlive);
    }

    [Fact]
    public void A_lambda_that_captures_what_cannot_be_serialized_makes_start_throw_naming_its_type()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var process = Mp.Process(() => Console.WriteLine(self.Id));

        var error = Assert.Throws<MpSerializationException>(process.Start);
        Assert.Contains("System.Diagnostics.Process", error.Message);
    }

    [Fact]
    public void Start_twice_throws()
    {
        var process = Mp.Process(Targets.Noop);
        process.Start();
        Assert.Throws<InvalidOperationException>(process.Start);
        Assert.True(process.Join(Patience));
    }

    [Fact]
    public void Join_before_start_throws()
    {
        var process = Mp.Process(Targets.Noop);
        Assert.Throws<InvalidOperationException>(() => process.Join());
        Assert.Null(process.ExitCode);
        Assert.Null(process.Pid);
        Assert.False(process.IsAlive);
    }

    [Fact]
    public void Daemon_cannot_change_after_start()
    {
        var process = Mp.Process(Targets.Noop);
        process.Start();
        Assert.Throws<InvalidOperationException>(() => process.Daemon = true);
        Assert.True(process.Join(Patience));
    }

    [Fact]
    public void Close_refuses_a_running_process_and_closes_a_finished_one()
    {
        var process = Mp.Process(Targets.SleepForever);
        process.Start();
        Assert.Throws<InvalidOperationException>(process.Close);
        process.Kill();
        Assert.True(process.Join(Patience));

        process.Close();
        Assert.Throws<InvalidOperationException>(() => process.ExitCode);
        Assert.Throws<InvalidOperationException>(() => process.IsAlive);
        Assert.Throws<InvalidOperationException>(() => process.Pid);
        Assert.Throws<InvalidOperationException>(() => process.Join());
        Assert.Throws<InvalidOperationException>(process.Start);
        process.Close(); // idempotent, as in Python
    }

    [Fact]
    public void Dispose_closes_a_process_that_is_not_running_and_leaves_a_running_one_alone()
    {
        var unstarted = Mp.Process(Targets.Noop);
        using (unstarted) { }
        Assert.Throws<InvalidOperationException>(unstarted.Start);

        var gate = Mp.Queue<int>();
        var running = Mp.Process(Targets.TakeOne, gate);
        running.Start();
        running.Dispose(); // where Close throws: no throw, no kill, no wait
        Assert.True(running.IsAlive);
        gate.Put(1);
        Assert.True(running.Join(Patience));
        Assert.Equal(0, running.ExitCode); // it ended by itself

        running.Dispose(); // ended: closed, as by Close
        Assert.Throws<InvalidOperationException>(() => running.ExitCode);
        running.Dispose(); // again: nothing
    }

    [Fact]
    public async Task JoinAsync_honours_cancellation()
    {
        var process = Mp.Process(Targets.SleepForever);
        process.Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => process.JoinAsync(cancel.Token));
        process.Kill();
        await process.JoinAsync();
        Assert.Equal(-9, process.ExitCode);
    }
}
