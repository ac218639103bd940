using VarTrack.Core.State;

namespace VarTrack.Core.Drift;

/// <summary>Applied baselines in the state store, one document per destination and owner (rule and file).</summary>
public sealed class BaselineStore(IStateStore store)
{
    /// <summary>The folder of every baseline (retention reads it to find the syncs baselines name).</summary>
    internal const string Root = "baselines";

    public static string KeyOf(string sink, string destination, string rule, string file) => StateKey.Of(Root, sink, destination, rule, file);

    public Task SaveAsync(AppliedBaseline baseline, CancellationToken cancellationToken = default) =>
        store.WriteAsync(KeyOf(baseline.Sink, baseline.Destination, baseline.Rule, baseline.File), StateJson.Serialize(baseline), cancellationToken);

    public Task<AppliedBaseline?> LoadAsync(string sink, string destination, string rule, string file, CancellationToken cancellationToken = default) =>
        StateJson.ReadAsync<AppliedBaseline>(store, KeyOf(sink, destination, rule, file), cancellationToken);

    public Task DeleteAsync(string sink, string destination, string rule, string file, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(KeyOf(sink, destination, rule, file), cancellationToken);

    public async Task<IReadOnlyList<AppliedBaseline>> ListAsync(CancellationToken cancellationToken = default)
    {
        var baselines = new List<AppliedBaseline>();
        foreach (var key in await store.ListAsync(Root, cancellationToken))
            if (await StateJson.ReadAsync<AppliedBaseline>(store, key, cancellationToken) is { } baseline)
                baselines.Add(baseline);
        return baselines;
    }
}
