using VarTrack.Core.Workflows;

namespace VarTrack.Core.Drift;

/// <summary>One watched destination: a baseline's identity plus whether its rule heals. References only (workflow input).</summary>
public sealed record DriftTarget(DestinationRef Destination, string Rule, string File, string Environment, bool SelfHeal)
{
    /// <summary>The heal of this destination as a file sync from its baseline (no Git fetch).</summary>
    public FileSync HealFile(string syncId, AppliedBaseline baseline) => new(syncId, Rule, File, Environment, [Destination])
    {
        Source = FileSyncSource.Baseline,
        Repository = baseline.Repository,
        CloneUrl = baseline.CloneUrl,
        Ref = baseline.Ref,
        Commit = baseline.Commit,
        CommitTime = baseline.CommitTime,
    };
}
