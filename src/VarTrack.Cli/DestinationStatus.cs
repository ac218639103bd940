namespace VarTrack.Cli;

/// <summary>One destination in <c>GET /api/status</c>: what was applied there last and, if checked, its drift.</summary>
internal sealed record DestinationStatus(string Sink, string Destination, string Rule, string File, string Environment)
{
    public string? Commit { get; init; }

    public DateTimeOffset AppliedAt { get; init; }

    public int Keys { get; init; }

    public DriftStatus? Drift { get; init; }
}
