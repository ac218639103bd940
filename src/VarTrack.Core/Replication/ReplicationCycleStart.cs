namespace VarTrack.Core.Replication;

/// <summary>Result of <c>vault-cycle-start</c>: the owners of the run and the cycle settings the workflow needs.</summary>
public sealed record ReplicationCycleStart(string Origin, IReadOnlyList<string> Destinations, TimeSpan Timeout, int FanOut)
{
    public StepFailure? Failure { get; init; }
}
