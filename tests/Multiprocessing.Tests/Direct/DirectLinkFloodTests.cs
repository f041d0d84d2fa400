using System.Net.Sockets;
using Akka.Actor;
using Multiprocessing.Direct;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Runtime;
using Multiprocessing.Tests.Support;

namespace Multiprocessing.Tests.Direct;

/// <summary>A worker node's direct-link port under a flood of idle connections, from this (foreign) process.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DirectLinkFloodTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private const int Flood = 500;

    [Fact]
    public async Task An_idle_connection_flood_adds_no_thread_to_the_worker_and_a_node_still_connects()
    {
        var (pid, address) = WorkerNode();
        var offer = await Mp.Runtime.System.ActorSelection($"{address}/user/{ActorNames.DirectLinks}").Ask<DirectLinkOffer>(new DirectLinkQuery(), Patience);
        Assert.NotNull(offer.Host);

        var before = Threads(pid);
        var flood = new List<Socket>();
        try
        {
            for (var i = 0; i < Flood; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                socket.Connect(offer.Host!, offer.Port);
            }
            // The worker accepts in order: a node connecting now is served after the whole flood.
            var link = new DirectDialer(Mp.Runtime.Credentials, Patience).Dial(offer, DirectFrames.Mode.Calls);
            Assert.NotNull(link);
            using (link.Stream)
            {
                var added = Threads(pid) - before;
                Assert.True(added < 20, $"{Flood} idle connections added {added} threads to the worker");
            }
            Assert.True(OsProcesses.WaitUntil(() => flood.Count(IsOpen) <= DirectListener.MaximumPending, Patience),
                $"{flood.Count(IsOpen)} idle connections are still open (at most {DirectListener.MaximumPending} may wait)");
        }
        finally
        {
            foreach (var socket in flood) socket.Dispose();
        }
    }

    // The pid and Akka address of a worker node, as a process running there tells them.
    private (int Pid, string Address) WorkerNode()
    {
        var answer = Mp.Queue<string>();
        var probe = Mp.GetContext(MpStartMethod.Actor).Process(TellNode, answer);
        probe.Start();
        var told = answer.Get(block: true, Patience)!.Split(' ');
        Assert.True(probe.Join(Patience));
        return (int.Parse(told[0]), told[1]);
    }

    private static void TellNode(MpQueue<string> answer) =>
        answer.Put($"{Environment.ProcessId} {((ExtendedActorSystem)DefaultRuntime.Current!.System).Provider.DefaultAddress}");

    private static int Threads(int pid) => Directory.GetDirectories($"/proc/{pid}/task").Length;

    // Reads what the listener sent (a challenge); false once it closed the connection.
    private static bool IsOpen(Socket socket)
    {
        try
        {
            while (socket.Poll(0, SelectMode.SelectRead))
            {
                if (socket.Available == 0) return false;
                socket.Receive(new byte[socket.Available]);
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
