using VarTrack.Core.Config;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Sync;

/// <summary>Sync one rendered file (secrets resolved) of one rule at one commit into the rule's destinations.</summary>
public sealed record SyncJob(RuleDefinition Rule, RenderedFile File, IReadOnlyList<SyncDestination> Destinations)
{
    public string? Commit { get; init; }

    public DateTimeOffset? CommitTime { get; init; }

    public SinkTarget TargetFor(SyncDestination destination) => new(destination.Destination, Rule.Name, File.File);
}
