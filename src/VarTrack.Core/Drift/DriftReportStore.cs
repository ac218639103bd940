using VarTrack.Core.State;

namespace VarTrack.Core.Drift;

/// <summary>The latest drift report per destination and owner, beside the baselines.</summary>
public sealed class DriftReportStore(IStateStore store)
{
    /// <summary>The folder of every drift report (retention reads it to find the heals reports name).</summary>
    internal const string Root = "drift";

    public Task SaveAsync(DriftReport report, CancellationToken cancellationToken = default) =>
        store.WriteAsync(StateKey.Of(Root, report.Sink, report.Destination, report.Rule, report.File), StateJson.Serialize(report), cancellationToken);

    public Task<DriftReport?> LoadAsync(string sink, string destination, string rule, string file, CancellationToken cancellationToken = default) =>
        StateJson.ReadAsync<DriftReport>(store, StateKey.Of(Root, sink, destination, rule, file), cancellationToken);
}
