using VarTrack.Core.Config;
using VarTrack.Core.State;

namespace VarTrack.Server;

/// <summary>
/// The retention timer: runs the Core <see cref="RetentionSweep"/> (prune sync records, delivery ids and leftover
/// snapshots; compact cached clones) once at start and then every <c>state.prune_interval</c>. Only on the timer, not
/// after each sync: a prune lists the whole <c>syncs/</c> folder, which a busy repository would otherwise pay per push
/// on every instance. Several instances may run it at once (see <see cref="StatePruner"/>).
/// </summary>
public sealed class RetentionService(VarTrackConfig config, RetentionSweep sweep, TimeProvider time) : BackgroundService
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>One sweep now (runs after the one in progress, if any); the timer calls this too.</summary>
    public async Task<PruneResult?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            return await sweep.RunAsync(cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield(); // start without holding up the host
            await RunOnceAsync(stoppingToken);
            using var timer = new PeriodicTimer(config.State.PruneInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await RunOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }
}
