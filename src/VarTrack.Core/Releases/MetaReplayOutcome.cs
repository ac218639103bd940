namespace VarTrack.Core.Releases;

/// <summary>What a replay did with one delivery id.</summary>
public enum MetaReplayOutcome
{
    /// <summary>Moved from <c>meta/failed/</c> into the outbox with its attempts reset; the notifier sends it at its next run.</summary>
    Replayed,

    /// <summary>The outbox already holds this id (another instance replayed it first, or it is still pending): nothing moved.</summary>
    AlreadyQueued,

    /// <summary>No failed notification has this id.</summary>
    NotFound,
    /// <summary>The failed record exists but cannot be read (corrupt JSON): left where it is, nothing moved.</summary>
    Unreadable,
}
