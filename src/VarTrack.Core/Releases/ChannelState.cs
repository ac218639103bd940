namespace VarTrack.Core.Releases;

/// <summary>
/// A channel as its events say: the current release (the release of the last event in file-name order), that event,
/// and how many events the channel has. A channel without events does not exist (<see cref="ChannelResolver"/> gives null).
/// </summary>
public sealed record ChannelState(string Project, string Channel, MetaPath LastEventPath, PromotionEvent LastEvent, int EventCount)
{
    public string CurrentReleaseId => LastEvent.ReleaseId;
}
