using VarTrack.Core.Sync;

namespace VarTrack.Cli;

/// <summary>
/// The last drift check of a destination as <c>GET /api/status</c> serves it. The state stays text so a CLI older
/// than the server still shows states it does not know.
/// </summary>
internal sealed record DriftStatus(string State, DateTimeOffset CheckedAt)
{
    public int Added { get; init; }

    public int Changed { get; init; }

    public int Removed { get; init; }

    public IReadOnlyList<ChangeLine> Keys { get; init; } = [];

    public string? Error { get; init; }

    public DateTimeOffset? HealedAt { get; init; }

    public string? HealSyncId { get; init; }
}
