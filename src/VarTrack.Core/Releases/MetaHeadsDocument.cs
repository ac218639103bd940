namespace VarTrack.Core.Releases;

/// <summary>
/// State document <c>meta/heads</c>: the channel heads (last event path per <c>project/channel</c>) at the last
/// commit notified about. A channel moved when its head differs from this.
/// </summary>
public sealed record MetaHeadsDocument(string Commit, IReadOnlyDictionary<string, string> Heads);
