namespace VarTrack.Core.Releases;

/// <summary>
/// A promotion (or rollback) named the release it expected to replace, and the channel is at another one: someone
/// else promoted first. Nothing was written. The message says expected, current, by whom and when.
/// </summary>
public sealed class PromotionConflictException : Exception
{
    public PromotionConflictException(string project, string channel, string? expectedReleaseId, ChannelState? current)
        : base(Describe(project, channel, expectedReleaseId, current))
    {
        Project = project;
        Channel = channel;
        ExpectedReleaseId = expectedReleaseId;
        Current = current;
    }

    public string Project { get; }

    public string Channel { get; }

    /// <summary>Null: the promotion expected a new channel (no release yet).</summary>
    public string? ExpectedReleaseId { get; }

    /// <summary>Null: the channel has no release.</summary>
    public ChannelState? Current { get; }

    private static string Describe(string project, string channel, string? expected, ChannelState? current)
    {
        var what = $"promotion conflict: channel '{channel}' of project '{project}'";
        var wanted = expected is null ? "no release (a new channel)" : $"release '{expected}'";
        if (current is null) return $"{what} has no release yet, but the promotion expected {wanted}; use --expect none for a new channel";
        return $"{what} is at release '{current.CurrentReleaseId}', but the promotion expected {wanted}: " +
               $"'{current.CurrentReleaseId}' was promoted by {current.LastEvent.Actor} at {RecordFields.FormatTime(current.LastEvent.Created)} " +
               $"({current.LastEventPath.Path}); check what runs there and promote again with --expect {current.CurrentReleaseId}";
    }
}
