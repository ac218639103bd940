using VarTrack.Core.State;

namespace VarTrack.Core.Replication;

/// <summary>
/// Documents one cycle hands from activity to activity without passing them through workflow history (path
/// listings, the per-path plan, applied paths): in the state store under
/// <c>vault-replication-work/&lt;owner&gt;/&lt;generation&gt;/</c>, shared by every instance that runs activities.
/// Metadata and paths only, never values. Removed when the cycle is recorded.
/// </summary>
internal sealed class ReplicationWorkArea(IStateStore state)
{
    private const string Root = "vault-replication-work";

    public Task WriteAsync<T>(string owner, string generation, string name, T document, CancellationToken cancellationToken) =>
        state.WriteAsync(StateKey.Of(Root, owner, generation, name), StateJson.Serialize(document), cancellationToken);

    /// <summary>The document; an <see cref="InvalidDataException"/> naming it when it is missing (the cycle cannot go on).</summary>
    public async Task<T> ReadAsync<T>(string owner, string generation, string name, CancellationToken cancellationToken) where T : class =>
        await StateJson.ReadAsync<T>(state, StateKey.Of(Root, owner, generation, name), cancellationToken)
        ?? throw new InvalidDataException($"the working document '{name}' of {owner} (generation {generation}) is missing from the state store");

    /// <summary>Names of the documents of a generation starting with <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(string owner, string generation, string prefix, CancellationToken cancellationToken)
    {
        var folder = StateKey.Of(Root, owner, generation);
        return (await state.ListAsync(folder, cancellationToken))
            .Select(key => StateKey.Unescape(key[(folder.Length + 1)..]))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Removes every working document of the owner (this cycle's, and any an abandoned cycle left behind).</summary>
    public async Task ClearAsync(string owner, CancellationToken cancellationToken)
    {
        foreach (var key in await state.ListAsync(StateKey.Of(Root, owner), cancellationToken))
            await state.DeleteAsync(key, cancellationToken);
    }
}
