namespace VarTrack.Core.Releases;

/// <summary>The answer of <c>POST /api/meta/notifications/replay</c> and of <c>vt meta notifications replay -o json</c>.</summary>
public sealed record MetaReplayAnswer(IReadOnlyList<MetaReplayResult> Results);
