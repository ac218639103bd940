using System.Globalization;
using VarTrack.Core.Releases;

namespace VarTrack.Cli;

/// <summary>The text form of <c>vt meta notifications</c>: one line per notification or replayed id.</summary>
internal static class MetaNotificationText
{
    public static async Task WriteListAsync(TextWriter output, IReadOnlyList<MetaNotificationView> notifications, MetaNotificationState? state)
    {
        if (notifications.Count == 0)
        {
            await output.WriteLineAsync(state switch
            {
                MetaNotificationState.Failed => "no failed notifications",
                MetaNotificationState.Pending => "no pending notifications",
                _ => "no notifications pending or failed",
            });
            return;
        }
        foreach (var n in notifications) await output.WriteLineAsync(Line(n));
    }

    /// <summary><c>failed  mdl-...  deploy  shop/prod 1.4.0 (from 1.3.2)  8 attempts, last 2026-11-24T10:15:00Z: HTTP 503 Service Unavailable</c></summary>
    public static string Line(MetaNotificationView n)
    {
        var what = $"{n.Project ?? "?"}/{n.Channel ?? "?"} {n.ReleaseId ?? "?"}{(n.PreviousReleaseId is { } previous ? $" (from {previous})" : "")}";
        var attempts = n.Attempts == 1 ? "1 attempt" : $"{n.Attempts} attempts";
        var when = n.State == MetaNotificationState.Pending
            ? $"next {Time(n.NextAttemptAt ?? n.CreatedAt)}"
            : $"last {Time(n.LastAttemptAt ?? n.CreatedAt)}";
        // The server's answer may come from an older version: never print a subscriber's control characters raw.
        var error = n.LastError is { } e ? $": {MetaDeliveryErrorMask.Printable(e)}" : "";
        var replayed = n.ReplayedAt is { } r ? $" (replayed {Time(r)})" : "";
        return $"{(n.State == MetaNotificationState.Failed ? "failed " : "pending")}  {n.DeliveryId}  {n.Subscriber}  {what}  {attempts}, {when}{error}{replayed}";
    }

    public static async Task WriteReplayAsync(TextWriter output, MetaReplayRequest request, IReadOnlyList<MetaReplayResult> results)
    {
        if (results.Count == 0)
            await output.WriteLineAsync(request.Subscriber is { } s ? $"no failed notifications of subscriber {s} to replay" : "no failed notifications to replay");
        foreach (var result in results)
            await output.WriteLineAsync(result.Outcome == MetaReplayOutcome.Replayed
                ? $"replayed {result.DeliveryId} (subscriber {result.Subscriber}): back in the outbox with attempts reset; the notifier sends it at its next run"
                : $"{result.DeliveryId} (subscriber {result.Subscriber}) is already in the outbox (replayed by another instance, or still pending); nothing moved");
    }

    /// <summary>One line per corrupt record skipped, on the error stream so the list itself stays as it is.</summary>
    public static async Task WriteUnreadableAsync(TextWriter error, IReadOnlyList<string> keys)
    {
        foreach (var key in keys) await error.WriteLineAsync($"warning: {key} is unreadable, skipped");
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
