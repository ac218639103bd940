namespace VarTrack.Core.Replication;

/// <summary>
/// Asks for one replication run: the origin cycle, then the destination cycles. References only, so it can be an
/// orchestration input. <see cref="CycleId"/> names the run in status and logs (hosts derive it from the timer's time).
/// </summary>
public sealed record ReplicationCycleRequest(string CycleId)
{
    /// <summary>Destination names to run after the origin; null = every configured destination.</summary>
    public IReadOnlyList<string>? Destinations { get; init; }

    /// <summary>Per owner cycle; zero = the configured <c>replication.timeout</c>.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Run the origin cycle only (refresh the origin's sync info).</summary>
    public bool OriginOnly { get; init; }
}
