using Akka.Actor;
using Akka.Configuration;
using Multiprocessing.Runtime;

namespace Multiprocessing.Tests.Runtime;

/// <summary>Where actors of an <see cref="InlineDispatcher"/> run: on the sending thread only when it allows it and they are idle.</summary>
public sealed class InlineDispatcherSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("""
    inline-test {
      type = "Multiprocessing.Runtime.InlineDispatcherConfigurator, Multiprocessing"
      executor = fork-join-executor
      fork-join-executor { parallelism-min = 1, parallelism-max = 1 }
      throughput = 100
    }
    """))
{
    private IActorRef Recorder() => Sys.ActorOf(Props.Create(() => new ThreadRecorder()).WithDispatcher("inline-test"));

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_message_sent_where_inlining_is_allowed_runs_on_the_sending_thread_before_tell_returns()
    {
        var recorder = Recorder();
        await recorder.Ask<ActorIdentity>(new Identify(0), Wait); // started (a new actor buffers its first messages)
        var thread = Environment.CurrentManagedThreadId;
        // The actor may still be finishing its previous message for a moment: then it is not idle, and the pool runs it.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var ran = new TaskCompletionSource<int>();
            using (InlineDispatcher.Allow()) recorder.Tell(ran);
            if (!ran.Task.IsCompleted)
            {
                await ran.Task.WaitAsync(Wait);
                continue;
            }
            Assert.Equal(thread, await ran.Task);
            return;
        }
        Assert.Fail("No message ran on the sending thread.");
    }

    [Fact]
    public async Task Elsewhere_the_actor_runs_on_its_pool()
    {
        var recorder = Recorder();
        var ran = new TaskCompletionSource<int>();
        using (InlineDispatcher.Allow()) { }
        recorder.Tell(ran);
        var thread = Environment.CurrentManagedThreadId;
        Assert.NotEqual(thread, await ran.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task An_actor_running_inline_hands_what_it_sends_to_the_pool()
    {
        var second = Recorder();
        var first = Sys.ActorOf(Props.Create(() => new Forwarder(second)).WithDispatcher("inline-test"));
        var ran = new TaskCompletionSource<int>();
        using (InlineDispatcher.Allow()) first.Tell(ran);
        var thread = Environment.CurrentManagedThreadId;
        Assert.NotEqual(thread, await ran.Task.WaitAsync(Wait));
    }

    [Fact]
    public void Every_message_is_handled_once_in_order_when_senders_race()
    {
        var recorder = Sys.ActorOf(Props.Create(() => new Counter(TestActor)).WithDispatcher("inline-test"));
        var senders = Enumerable.Range(0, 4).Select(s => new Thread(() =>
        {
            using var inline = InlineDispatcher.Allow();
            for (var i = 0; i < 2000; i++) recorder.Tell((s, i));
        })).ToList();
        senders.ForEach(t => t.Start());
        senders.ForEach(t => t.Join());
        recorder.Tell("done");
        var seen = ExpectMsg<Dictionary<int, int>>(Wait);
        Assert.All(Enumerable.Range(0, 4), s => Assert.Equal(2000, seen[s]));
    }

    private sealed class ThreadRecorder : ReceiveActor
    {
        public ThreadRecorder() => Receive<TaskCompletionSource<int>>(ran => ran.SetResult(Environment.CurrentManagedThreadId));
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef next) => Receive<TaskCompletionSource<int>>(next.Tell);
    }

    // Counts each sender's messages and checks they come in the order sent.
    private sealed class Counter : ReceiveActor
    {
        public Counter(IActorRef report)
        {
            var next = new Dictionary<int, int>();
            Receive<(int Sender, int Seq)>(m =>
            {
                next.TryGetValue(m.Sender, out var expected);
                if (m.Seq != expected) throw new InvalidOperationException($"sender {m.Sender}: {m.Seq} after {expected - 1}");
                next[m.Sender] = expected + 1;
            });
            Receive<string>(_ => report.Tell(next));
        }
    }
}
