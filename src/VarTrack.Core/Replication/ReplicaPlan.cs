namespace VarTrack.Core.Replication;

/// <summary>
/// Result of <c>vault-destination-plan</c>: counts and chunk numbers only (the per-path plan is staged in the state
/// store). <see cref="Generation"/> is null when the destination is in sync and nothing is to be published.
/// </summary>
public sealed record ReplicaPlan(string Destination)
{
    public StepFailure? Failure { get; init; }

    /// <summary>The deletion-ratio guard refused the cycle; <see cref="Errors"/> says why, with the counts.</summary>
    public bool Refused { get; init; }

    public string? Generation { get; init; }

    public string? OriginGeneration { get; init; }

    /// <summary>Generation of the destination's index before this cycle.</summary>
    public string? RecordedGeneration { get; init; }

    /// <summary>Tag of the destination's index read by the plan; the publish is conditional on it.</summary>
    public string? PreviousTag { get; init; }

    /// <summary>Paths in the origin index.</summary>
    public int Paths { get; init; }

    /// <summary>
    /// The base of the deletion-ratio guard: paths recorded in the destination's index, counted as active records
    /// only (deleted and destroyed ones left out) when the plan deletes anything.
    /// </summary>
    public int RecordedPaths { get; init; }

    public IReadOnlyList<int> ChangedBuckets { get; init; } = [];

    public int Copies { get; init; }

    public int Deletes { get; init; }

    public int CopyChunks { get; init; }

    public int DeleteChunks { get; init; }

    /// <summary>Paths that cannot be applied this cycle (no destination mount, a rule that timed out); listed in <see cref="Errors"/>.</summary>
    public int Pending { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];
}
