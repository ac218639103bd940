using System.Globalization;
using VarTrack.Core.State;

namespace VarTrack.Core.Replication;

/// <summary>
/// Keeps every owner's replication cycles in the state store: <c>vault-cycles/&lt;owner&gt;/last</c>, the last one
/// that ended well (<c>last-succeeded</c>) and the last <see cref="Keep"/> cycles under <c>history/</c>.
/// </summary>
public sealed class ReplicationStatusStore(IStateStore state)
{
    public const int Keep = 20;
    private const string Root = "vault-cycles";

    public async Task RecordAsync(OwnerCycle cycle, CancellationToken cancellationToken = default)
    {
        var data = StateJson.Serialize(cycle);
        await state.WriteAsync(StateKey.Of(Root, cycle.Owner, "last"), data, cancellationToken);
        if (cycle.Completed)
            await state.WriteAsync(StateKey.Of(Root, cycle.Owner, "last-succeeded"), data, cancellationToken);
        // Ticks first so the history lists oldest first; the cycle id keeps two cycles of one instant apart.
        var entry = cycle.Started.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + cycle.CycleId;
        await state.WriteAsync(StateKey.Of(Root, cycle.Owner, "history", entry), data, cancellationToken);
        var history = await state.ListAsync(StateKey.Of(Root, cycle.Owner, "history"), cancellationToken);
        foreach (var old in history.Take(Math.Max(0, history.Count - Keep)))
            await state.DeleteAsync(old, cancellationToken);
    }

    /// <summary>The last cycle of every owner that has one, ordered by owner (origins first).</summary>
    public async Task<IReadOnlyList<OwnerCycle>> LastAsync(CancellationToken cancellationToken = default)
    {
        var cycles = new List<OwnerCycle>();
        foreach (var owner in await OwnersAsync(cancellationToken))
            if (await StateJson.ReadAsync<OwnerCycle>(state, StateKey.Of(Root, owner, "last"), cancellationToken) is { } cycle)
                cycles.Add(cycle);
        return cycles;
    }

    /// <summary>The owner's recorded cycles, newest first.</summary>
    public async Task<IReadOnlyList<OwnerCycle>> HistoryAsync(string owner, CancellationToken cancellationToken = default)
    {
        var cycles = new List<OwnerCycle>();
        foreach (var key in (await state.ListAsync(StateKey.Of(Root, owner, "history"), cancellationToken)).Reverse())
            if (await StateJson.ReadAsync<OwnerCycle>(state, key, cancellationToken) is { } cycle)
                cycles.Add(cycle);
        return cycles;
    }

    /// <summary>The status of every owner that has run a cycle, ordered by owner (origins first).</summary>
    public async Task<IReadOnlyList<ReplicationStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var statuses = new List<ReplicationStatus>();
        foreach (var owner in await OwnersAsync(cancellationToken))
        {
            if (await StateJson.ReadAsync<OwnerCycle>(state, StateKey.Of(Root, owner, "last"), cancellationToken) is not { } last) continue;
            statuses.Add(new ReplicationStatus(owner, last)
            {
                LastSucceeded = await StateJson.ReadAsync<OwnerCycle>(state, StateKey.Of(Root, owner, "last-succeeded"), cancellationToken),
            });
        }
        return statuses;
    }

    private async Task<IReadOnlyList<string>> OwnersAsync(CancellationToken cancellationToken) =>
        (await state.ListAsync(Root, cancellationToken))
            .Select(key => StateKey.Unescape(key.Split('/')[1]))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(owner => owner.StartsWith("origin-", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(owner => owner, StringComparer.Ordinal)
            .ToList();
}
