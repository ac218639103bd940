namespace VarTrack.Core.Releases;

/// <summary>Where a notification is: in the outbox waiting for its next attempt, or given up after the last one.</summary>
public enum MetaNotificationState
{
    /// <summary><c>meta/outbox/&lt;delivery id&gt;</c>: the notifier sends it when it is due.</summary>
    Pending,

    /// <summary><c>meta/failed/&lt;delivery id&gt;</c>: every attempt failed; kept until replayed.</summary>
    Failed,
}
