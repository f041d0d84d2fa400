namespace Multiprocessing.Bench.Benchmarks;

/// <summary>
/// What TLS and authentication cost: the latency-bound operations of the other sections, each
/// measured on a cluster with security on (the default) and on one with
/// <c>multiprocessing.security = off</c>, alternately in the same run, so that both see the same
/// machine. Target: security on no more than 15% slower than off.
/// </summary>
public sealed class SecurityCostBenchmark : IBenchmark
{
    private const double Tolerance = 1.15;
    private const int QueueItems = 100_000;

    // Rows that the notes read.
    private const int Echo = 3;
    private const int Floor = 5;

    public string Name => "security";

    public async Task<Section> RunAsync(BenchRun run)
    {
        var metrics = new (string Name, string Unit, bool LowerIsBetter)[]
        {
            ("Pipe round trip, child by spawn", "us", true),
            ("Manager dict, one at a time, total", "ops/s", false),
            ("Lock acquire+release through its actor (as from another host), child by spawn", "us", true),
            ("Remote echo, sequential round trip", "us", true),
            ($"Queue, 4 producers by spawn, {QueueItems} items", "items/s", false),
            ("TLS floor: .NET SslStream round trip on loopback, 200 bytes", "us", true),
        };
        var on = metrics.Select(_ => new List<double>()).ToArray();
        var off = metrics.Select(_ => new List<double>()).ToArray();

        var auth = Path.Combine(Path.GetTempPath(), $"bench-auth-{Guid.NewGuid():N}.pem");
        MpCredentials.Generate(auth);
        try
        {
            await using var secure = await Side.StartAsync(new MpOptions { Workers = 2 }, auth);
            await using var plain = await Side.StartAsync(new MpOptions { Workers = 2, Config = "multiprocessing.security = off" }, authFile: null);
            BenchRun.Log("warm-up");
            await secure.MeasureAsync();
            await plain.MeasureAsync();
            for (var i = 0; i < run.Runs; i++)
            {
                // Alternate which side goes first: drift of the machine falls on both.
                var (first, firstInto, second, secondInto) = i % 2 == 0 ? (secure, on, plain, off) : (plain, off, secure, on);
                Add(firstInto, await first.MeasureAsync());
                Add(secondInto, await second.MeasureAsync());
                BenchRun.Log($"run {i + 1}/{run.Runs}: " + string.Join(", ", metrics.Select((m, k) => $"{m.Name} on {on[k][^1]:0.0} / off {off[k][^1]:0.0} {m.Unit}")));
            }
        }
        finally
        {
            File.Delete(auth);
        }

        var section = new Section("Cost of security (TLS + authentication)");
        section.Intro.Add("The same operations on two clusters of coordinator + 2 local workers started side by side: one with security on " +
                          "(the default: Akka.Remote over TLS, mutually authenticated with the cluster's certificate) and one with " +
                          "`multiprocessing.security = off` (plain TCP), measured alternately in each run. Pipe, Manager and lock as in their " +
                          $"sections above; the remote echo as in its section, with the cluster's TLS settings on both ends; the queue with " +
                          $"{QueueItems} items. The 'Python' column holds security off here, and the ratio is on/off. The last row is no operation " +
                          "of ours: two bare .NET SslStreams against two plain sockets, what TLS itself costs on this machine.");
        for (var k = 0; k < metrics.Length; k++)
        {
            var (name, unit, lower) = metrics[k];
            var offMedian = Stats.Of(off[k]).Median;
            var onStats = Stats.Of(on[k]);
            var slowdown = lower ? onStats.Median / offMedian : offMedian / onStats.Median;
            section.Rows.Add(k == Floor
                ? new Row($"{name}, TLS (vs plain TCP)", unit, onStats, offMedian, lower, "not judged: the floor under the rows above", Verdict.NotJudged)
                : new Row($"{name}, security on (vs off)", unit, onStats, offMedian, lower,
                    $"<= {Tolerance:0.00}x slower than off", slowdown <= Tolerance ? Verdict.Pass : Verdict.Miss));
        }
        double Added(int k) => Stats.Of(on[k]).Median - Stats.Of(off[k]).Median;
        section.Notes.Add($"What TLS adds to a round trip: {MarkdownWriter.Num(Added(Echo))} us to Akka.Remote's echo, " +
                          $"{MarkdownWriter.Num(Added(Floor))} us to two bare .NET SslStreams (the floor row): Akka.Remote's TLS costs what .NET's does. " +
                          "Pipes, one-at-a-time Manager calls and lock calls take direct links instead (authenticated by an HMAC handshake, " +
                          "plain TCP on one host, TLS between hosts), so they do not pay it on one host.");
        return section;
    }

    private static void Add(List<double>[] into, double[] values)
    {
        for (var k = 0; k < values.Length; k++) into[k].Add(values[k]);
    }

    /// <summary>One cluster and one echo pair, with or without security.</summary>
    private sealed class Side : IAsyncDisposable
    {
        private readonly MpContext _mp;
        private readonly MpManager _manager;
        private readonly RemoteEchoBenchmark.EchoPair _echo;
        private readonly bool _secure;

        private Side(MpContext mp, MpManager manager, RemoteEchoBenchmark.EchoPair echo, bool secure)
        {
            _mp = mp;
            _manager = manager;
            _echo = echo;
            _secure = secure;
        }

        public static async Task<Side> StartAsync(MpOptions options, string? authFile)
        {
            var mp = await Mp.StartAsync(options);
            var manager = await mp.ManagerAsync();
            var echo = await RemoteEchoBenchmark.EchoPair.StartAsync(authFile);
            await echo.WarmUpAsync();
            return new Side(mp, manager, echo, secure: authFile is not null);
        }

        /// <summary>One value per metric, in the order of the section's rows.</summary>
        public async Task<double[]> MeasureAsync()
        {
            await _mp.WaitForSpawnSparesAsync();
            var pipe = PipePingPongBenchmark.Measure(_mp);
            await _mp.WaitForSpawnSparesAsync();
            var manager = ManagerBenchmark.Measure(_mp, _manager, ManagerBenchmark.Mode.Single, 5_000).Total;
            await _mp.WaitForSpawnSparesAsync();
            var lockPair = LockRoundTripBenchmark.MeasureThroughActor(_mp).Pair;
            var echo = await RemoteEchoBenchmark.SequentialRoundTripAsync(_echo);
            await _mp.WaitForSpawnSparesAsync();
            var queue = QueueThroughputBenchmark.Measure(_mp, 4, QueueItems);
            var floor = await TlsFloor.RoundTripAsync(tls: _secure);
            return [pipe, manager, lockPair, echo, queue, floor];
        }

        public async ValueTask DisposeAsync()
        {
            await _echo.DisposeAsync();
            await _manager.DisposeAsync();
            await _mp.DisposeAsync();
        }
    }
}
