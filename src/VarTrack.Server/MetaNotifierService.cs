using VarTrack.Core.Releases;

namespace VarTrack.Server;

/// <summary>
/// Runs the release metadata notifier in the background: at start (so notifications left in the outbox by a stop or
/// crash go out), whenever a meta push arrives, and every second for retries that come due. Does nothing without a
/// <c>meta:</c> section.
/// </summary>
public sealed class MetaNotifierService(IServiceProvider services, ILogger<MetaNotifierService> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<MetaNotifier>() is not { } notifier) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await notifier.ProcessAsync(stoppingToken);
                await notifier.WaitForWorkAsync(Tick, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A state store or repository outage: logged, tried again at the next tick; the outbox keeps the work.
                logger.LogError(ex, "meta notifier run failed");
                await Task.Delay(Tick, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
