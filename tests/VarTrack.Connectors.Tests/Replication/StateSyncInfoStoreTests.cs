using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>The contract for <see cref="StateSyncInfoStore"/> over an in-memory state store, plus its key layout.</summary>
public sealed class StateSyncInfoStoreTests : SyncInfoStoreContractTests
{
    private readonly InMemoryStateStore _state = new();
    private readonly StateSyncInfoStore _store;

    public StateSyncInfoStoreTests() => _store = new StateSyncInfoStore(_state, "the test state store");

    // One instance: its publish is exclusive within the process through the instance's lock, as documented; two
    // instances over one state store do not exclude each other (a state store has no compare-and-swap).
    protected override ISyncInfoStore CreateStore() => _store;

    protected override bool PublishIsExclusiveAcrossInstances => false;

    [Fact]
    public async Task Documents_live_under_vault_sync_in_the_state_store_with_StateKey_escaped_names()
    {
        await Store.WriteIndexAsync(Owner, Bytes("index"), expectedTag: null);
        await Store.WriteBucketAsync(Owner, "g1", 7, Bytes("bucket"));

        // StateKey writes '.' as ".2E", so the layout's names appear escaped in the state store.
        Assert.Equal([$"vault-sync/{Owner}/generations/g1/bucket-0007.2Ejson", $"vault-sync/{Owner}/index.2Ejson"], await _state.ListAsync("vault-sync/" + Owner));
        Assert.Equal("index", Text(await _state.ReadAsync($"vault-sync/{Owner}/index.2Ejson")));
        Assert.Equal("the test state store", Store.Description);
    }
}
