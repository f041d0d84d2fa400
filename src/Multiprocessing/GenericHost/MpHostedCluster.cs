using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Multiprocessing.Runtime;

namespace Multiprocessing.GenericHost;

/// <summary>
/// The cluster of a generic host. It starts once: at the host's start, or at the first resolution of
/// <see cref="MpContext"/> or the default <see cref="MpPool"/> if that comes first (a hosted service's constructor).
/// It stops at the host's stop (or disposal): the default pool's submitted work finishes, then the context is
/// disposed, which joins the children and ends every worker process. When the host's shutdown timeout ends
/// first, the pool is terminated and the children too.
/// </summary>
internal sealed class MpHostedCluster : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<Task<MpContext>> _start;
    private readonly Lazy<MpPool> _pool;
    private readonly CancellationTokenRegistration _onStopping;
    private int _stopped;

    public MpHostedCluster(IOptions<MpOptions> options, ILoggerFactory? loggers = null, IHostApplicationLifetime? lifetime = null)
    {
        // A host told to stop while the cluster starts (SIGTERM during a hosted service's construction) stops the start.
        _onStopping = lifetime?.ApplicationStopping.Register(_stopping.Cancel) ?? default;
        // Started on the thread pool: a first use on a thread with a SynchronizationContext blocks it, and the start's awaits must not need it.
        _start = new(() => Task.Run(() => StartClusterAsync(options, loggers)));
        _pool = new(() => Context.Pool());
    }

    /// <summary>The started cluster; the first call before the host's start starts it and blocks until it is up.</summary>
    public MpContext Context
    {
        get
        {
            if (Volatile.Read(ref _stopped) != 0) throw new ObjectDisposedException(nameof(MpContext), "The host has stopped, and its multiprocessing cluster with it.");
            // Bounded: start-up fails after multiprocessing.worker-ready-timeout, and a stopping host cancels it.
            return Blocking.Wait(() => _start.Value);
        }
    }

    /// <summary><c>Context.Pool()</c>, made at first use.</summary>
    public MpPool Pool => _pool.Value;

    public Task StartAsync(CancellationToken cancellationToken) => _start.Value.WaitAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        // A start still under way stops and shuts down what it had started; one asked for from now on never begins.
        await _stopping.CancelAsync();
        if (!_start.IsValueCreated) return;
        var start = _start.Value;
        await ((Task)start).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // A start that failed cleaned up after itself, and the host's start (or the resolution) reported why.
        if (!start.IsCompletedSuccessfully) return;
        var context = start.Result;
        await using var deadline = cancellationToken.Register(TerminateChildren);
        try
        {
            if (_pool.IsValueCreated) await FinishAsync(_pool.Value, cancellationToken);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await _onStopping.DisposeAsync();
        _stopping.Dispose();
    }

    // The host's stop shuts the cluster down. Akka's own exit hook would race it: at SIGTERM the runtime raises
    // ProcessExit while the host stops, and the coordinator left the cluster under the registry's feet.
    private const string ShutdownByHost = "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off";

    private async Task<MpContext> StartClusterAsync(IOptions<MpOptions> options, ILoggerFactory? loggers)
    {
        var given = options.Value;
        var config = string.IsNullOrWhiteSpace(given.Config) ? ShutdownByHost : given.Config + "\n" + ShutdownByHost;
        return await Mp.StartAsync(given with { Config = config, LoggerFactory = given.LoggerFactory ?? loggers }, _stopping.Token);
    }

    private static async Task FinishAsync(MpPool pool, CancellationToken deadline)
    {
        pool.Close();
        try
        {
            await pool.JoinAsync(deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            pool.Terminate();
        }
    }

    // The host's shutdown timeout is over: children that still run are terminated instead of joined.
    private static void TerminateChildren()
    {
        foreach (var child in Mp.ActiveChildren()) child.Terminate();
    }
}
