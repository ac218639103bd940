using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Releases;

namespace VarTrack.Functions.Meta;

/// <summary>
/// Delivers release metadata notifications: the webhook function records meta pushes (through the shared handler's
/// push listener) and this timer turns them into outbox entries and sends what is due, with the same retries and
/// backoff as the self-hosted server. On Functions a notification therefore leaves within one <see cref="Schedule"/>
/// period of the push. Does nothing without a <c>meta:</c> section.
/// </summary>
public sealed class MetaNotifyTimer(MetaNotifier? notifier = null)
{
    public const string Name = "meta-notify-timer";

    /// <summary>Every 15 seconds (six-field NCRONTAB).</summary>
    public const string Schedule = "*/15 * * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (notifier is not null) await notifier.ProcessAsync(cancellationToken);
    }
}
