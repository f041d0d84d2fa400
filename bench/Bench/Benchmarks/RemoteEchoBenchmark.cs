using System.ComponentModel;
using System.Diagnostics;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// The floor of the transport the library is built on: a plain Akka.Remote round trip of an int
/// between this process and a second OS process (this program again, run with
/// <see cref="ServerArgument"/>) that echoes x + 1 from <c>/user/echo</c>. No cluster, no
/// library code: what any message between two nodes costs at least. Sequential (one in flight,
/// as pipe_pingpong.py) and windowed (<see cref="Window"/> in flight).
/// </summary>
public sealed class RemoteEchoBenchmark : IBenchmark
{
    /// <summary>The hidden argument that makes this program the echo server.</summary>
    public const string ServerArgument = "--echo-server";

    private const int N = 20_000; // as pipe_pingpong.py
    private const int Window = 100;
    private const int WarmUp = 5_000;
    private const string AddressPrefix = "echo-server at ";
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(15);

    private static Config RemoteConfig(string logLevel) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = {{logLevel}}
          stdout-loglevel = {{logLevel}}
          actor.provider = remote
          remote.dot-netty.tcp {
            hostname = 127.0.0.1
            port = 0
          }
        }
        """);

    public string Name => "echo";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var python = run.RunPython("pipe_pingpong.py", out var pythonError);
        double? Py(string field) => python is null ? null : PythonAnchor.Field(python, field).Median;

        var rtt = new List<double>();
        var perSecond = new List<double>();
        var windowed = new List<double>();

        // Security on, as every node of the cluster runs it: TLS with the cluster's credentials.
        var auth = Path.Combine(Path.GetTempPath(), $"bench-echo-{Guid.NewGuid():N}.pem");
        MpCredentials.Generate(auth);
        try
        {
            await using var pair = await EchoPair.StartAsync(auth);
            await pair.WarmUpAsync();
            for (var i = 0; i < run.Runs; i++)
            {
                var sequential = await pair.RoundTripsAsync(N, 1);
                rtt.Add(sequential.TotalMilliseconds * 1000 / N);
                perSecond.Add(N / sequential.TotalSeconds);
                var window = await pair.RoundTripsAsync(N, Window);
                windowed.Add(N / window.TotalSeconds);
                BenchRun.Log($"run {i + 1}/{run.Runs}: sequential {rtt[^1]:0.0} us/round trip ({perSecond[^1]:0}/s), " +
                             $"{Window} in flight {windowed[^1]:0} msgs/s");
            }
        }
        finally
        {
            File.Delete(auth);
        }

        var section = new Section("Remote echo (transport floor)");
        section.Intro.Add($"Bare Akka.Remote (DotNetty TCP on 127.0.0.1, TLS with the cluster's settings and fresh credentials, no cluster, no library code) between this process and a " +
                          $"second OS process (`Bench {ServerArgument}`) whose actor `/user/echo` replies x + 1 to an int x. " +
                          $"A client actor sends the next int on each reply: **sequential** is one message in flight, {N} round " +
                          $"trips as `pipe_pingpong.py`; **windowed** keeps {Window} in flight until {N} replies are back. " +
                          $"{WarmUp} round trips of each kind warm up first; the same two processes serve every run.");
        section.Intro.Add("This is the floor under every library operation that crosses processes (a queue's put or get, a " +
                          "process start), compared with Python's `Pipe` round trip for context only: not judged.");

        section.Rows.Add(new Row("mean round trip, sequential", "us", Stats.Of(rtt), Py("mean_rtt_us"), true, "-", Verdict.NotJudged));
        section.Rows.Add(new Row("round trips/s, sequential", "msgs/s", Stats.Of(perSecond), Py("round_trips_per_s"), false, "-", Verdict.NotJudged));
        section.Rows.Add(new Row($"round trips/s, {Window} in flight", "msgs/s", Stats.Of(windowed), null, false, "-", Verdict.NotJudged));
        section.Notes.Add(python is not null
            ? $"Python: medians over {python.Count} runs of `pipe_pingpong.py` (fork, duplex `Pipe`, one in flight); it has no windowed counterpart."
            : $"Python not measured: {pythonError}.");
        return section;
    }

    /// <summary>Mean sequential round trip in microseconds over <paramref name="pair"/>: what the security section compares.</summary>
    internal static async Task<double> SequentialRoundTripAsync(EchoPair pair) => (await pair.RoundTripsAsync(N, 1)).TotalMilliseconds * 1000 / N;

    /// <summary>
    /// This process's client system and an echo server process; with <c>authFile</c>, both run
    /// Akka.Remote over TLS with those credentials, as the cluster's nodes do.
    /// </summary>
    internal sealed class EchoPair : IAsyncDisposable
    {
        private readonly Process _server;
        private readonly ActorSystem _system;
        private readonly IActorRef _echo;

        private EchoPair(Process server, ActorSystem system, IActorRef echo)
        {
            _server = server;
            _system = system;
            _echo = echo;
        }

        public static async Task<EchoPair> StartAsync(string? authFile)
        {
            var server = StartServer(authFile);
            try
            {
                var address = await ReadAddressAsync(server);
                BenchRun.Log($"echo server (pid {server.Id}) at {address}");
                var system = CreateSystem("echo-client", authFile);
                var echo = await system.ActorSelection($"{address}/user/echo").ResolveOne(StartLimit);
                return new EchoPair(server, system, echo);
            }
            catch
            {
                await StopServerAsync(server);
                throw;
            }
        }

        public async Task WarmUpAsync()
        {
            await RoundTripsAsync(WarmUp, 1);
            await RoundTripsAsync(WarmUp, Window);
        }

        public Task<TimeSpan> RoundTripsAsync(int count, int window) => RemoteEchoBenchmark.RoundTripsAsync(_system, _echo, count, window);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _system.Terminate().WaitAsync(ExitLimit);
            }
            finally
            {
                await StopServerAsync(_server);
            }
        }
    }

    private static ActorSystem CreateSystem(string name, string? authFile)
    {
        if (authFile is null) return ActorSystem.Create(name, RemoteConfig("WARNING"));
        var credentials = Security.ClusterCredentials.FromFile(authFile);
        var bootstrap = BootstrapSetup.Create().WithConfig(Security.ClusterTls.EnableSsl.WithFallback(RemoteConfig("WARNING")));
        return ActorSystem.Create(name, ActorSystemSetup.Create(bootstrap, Security.ClusterTls.Setup(credentials)));
    }

    /// <summary>
    /// The echo server's whole life: an actor system with <c>/user/echo</c>, its address on stdout,
    /// and an orderly exit when stdin closes (the parent is done or gone). Given a credentials file, it speaks TLS.
    /// </summary>
    public static async Task<int> RunServerAsync(string? authFile)
    {
        var system = CreateSystem("echo-server", authFile);
        system.ActorOf(Props.Create<EchoActor>(), "echo");
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        Console.Out.WriteLine(AddressPrefix + address);
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        await system.Terminate().WaitAsync(ExitLimit);
        return 0;
    }

    private static Process StartServer(string? authFile)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Run as `dotnet Bench.dll` (the muxer), the program is the entry assembly; run as the apphost, it is the process.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(RemoteEchoBenchmark).Assembly.Location);
        start.ArgumentList.Add(ServerArgument);
        if (authFile is not null) start.ArgumentList.Add(authFile);
        return Process.Start(start) ?? throw new Win32Exception($"{self} did not start");
    }

    private static async Task<string> ReadAddressAsync(Process server)
    {
        using var timeout = new CancellationTokenSource(StartLimit);
        while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(AddressPrefix, StringComparison.Ordinal)) return line[AddressPrefix.Length..].Trim();
        }
        throw new InvalidOperationException($"The echo server ended (exit {(server.HasExited ? server.ExitCode : -1)}) without printing its address.");
    }

    private static async Task StopServerAsync(Process server)
    {
        if (server.HasExited) return;
        server.StandardInput.Close();
        using var timeout = new CancellationTokenSource(ExitLimit);
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            BenchRun.Log($"echo server (pid {server.Id}) did not exit within {ExitLimit} of stdin closing: killed");
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary><paramref name="count"/> round trips with <paramref name="window"/> in flight; the wall time from the first send to the last reply.</summary>
    private static async Task<TimeSpan> RoundTripsAsync(ActorSystem system, IActorRef echo, int count, int window)
    {
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = system.ActorOf(Props.Create(() => new ClientActor(echo, count, window, done)));
        try
        {
            return await done.Task.WaitAsync(RunLimit);
        }
        finally
        {
            system.Stop(client);
        }
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => Receive<int>(x => Sender.Tell(x + 1));
    }

    /// <summary>Sends <c>window</c> ints, then one more per reply until <c>count</c> replies are back; checks every reply is its int + 1.</summary>
    private sealed class ClientActor : ReceiveActor
    {
        public ClientActor(IActorRef echo, int count, int window, TaskCompletionSource<TimeSpan> done)
        {
            var sent = 0;
            var received = 0;
            long sum = 0;
            Stopwatch? watch = null;
            Receive<int>(reply =>
            {
                received++;
                sum += reply;
                if (sent < count) echo.Tell(sent++);
                if (received < count) return;
                var elapsed = watch!.Elapsed;
                // The replies to 0..count-1 are 1..count, in whatever order they came back.
                var expected = (long)count * (count + 1) / 2;
                if (sum != expected) done.TrySetException(new InvalidOperationException($"Echo replies summed to {sum}, expected {expected}."));
                else done.TrySetResult(elapsed);
            });
            Receive<Start>(_ =>
            {
                watch = Stopwatch.StartNew();
                for (var i = 0; i < Math.Min(window, count); i++) echo.Tell(sent++);
            });
            Self.Tell(Start.Instance);
        }

        private sealed class Start
        {
            public static readonly Start Instance = new();
        }
    }
}
