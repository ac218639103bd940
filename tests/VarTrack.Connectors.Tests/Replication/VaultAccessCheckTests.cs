using VarTrack.Connectors.Vault;
using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>The startup access check against the fake Vaults' policies and the state-store sync info store.</summary>
public sealed class VaultAccessCheckTests
{
    private static async Task<ReplicationRig> RigAsync() =>
        await ReplicationRig.StartAsync(
            ReplicationRig.Destination("eu") + ReplicationRig.Destination("us", "delete_mode: destroy\nmounts: [secret, kv]"),
            "", "[secret, {mount: kv, prefix: team/a}]", "eu", "us");

    [Fact]
    public async Task With_every_permission_everything_is_reported_ok_and_the_probe_is_removed()
    {
        await using var rig = await RigAsync();

        var report = await new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults).RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Missing));
        Assert.Equal("ok: sync info store (the state store): access-check/: read, write, update, delete", report.Items[0].ToString());
        Assert.Equal(
        [
            "secret/metadata/", "secret/metadata/vartrack-access-check", "secret/data/vartrack-access-check",
            "kv/metadata/team/a/", "kv/metadata/team/a/vartrack-access-check", "kv/data/team/a/vartrack-access-check",
            "secret/data/vartrack-access-check", "kv/data/team/a/vartrack-access-check",
            "secret/data/vartrack-access-check", "secret/metadata/vartrack-access-check", "kv/data/team/a/vartrack-access-check", "kv/metadata/team/a/vartrack-access-check",
        ], report.Items.Skip(1).Select(i => i.Path));
        Assert.Empty(await rig.State.ListAsync("vault-sync"));
    }

    [Fact]
    public async Task Missing_capabilities_are_reported_exactly_per_cluster_and_path()
    {
        await using var rig = await RigAsync();
        rig.Environment["ORIGIN_TOKEN"] = rig.Origin.CreateToken(("secret/data/*", ["read"]), ("secret/metadata/*", ["read"]), ("kv/*", ["read", "list"]));
        rig.Environment["EU_TOKEN"] = rig.Destinations["eu"].CreateToken(("secret/data/*", ["create", "update"]), ("kv/data/*", ["create", "update", "delete"]));
        rig.Environment["US_TOKEN"] = rig.Destinations["us"].CreateToken(("secret/*", ["create", "update", "delete"]), ("kv/data/*", ["create", "update"]));

        var report = await new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults).RunAsync();

        Assert.False(report.Ok);
        var origin = rig.Origin.Address.ToString().TrimEnd('/');
        var us = rig.Destinations["us"].Address.ToString().TrimEnd('/');
        var eu = rig.Destinations["eu"].Address.ToString().TrimEnd('/');
        Assert.Equal(
        [
            $"missing: vault origin 'primary' at {origin}: secret/metadata/: list",
            $"missing: vault destination 'eu' at {eu}: secret/data/vartrack-access-check: delete",
            $"missing: vault destination 'us' at {us}: kv/metadata/team/a/vartrack-access-check: delete",
        ], report.Missing.Select(m => m.ToString()));
    }

    [Fact]
    public async Task Least_privilege_destination_tokens_pass_when_they_cover_where_the_transforms_and_identity_paths_write()
    {
        await using var rig = await ReplicationRig.StartAsync(
            ReplicationRig.Destination("eu", "delete_mode: soft\nunmatched: skip\ntransforms:\n  - match: '^secret/prod/(?<app>.+)$'\n    to: 'secret/replica-us/${app}'")
            + ReplicationRig.Destination("asia", "delete_mode: destroy"),
            "", "[{mount: secret, prefix: prod}]", "eu", "asia");
        // The README's two-region example: each token may write only where its destination writes.
        rig.Environment["EU_TOKEN"] = rig.Destinations["eu"].CreateToken(("secret/data/replica-us/*", ["create", "update", "delete"]));
        rig.Environment["ASIA_TOKEN"] = rig.Destinations["asia"].CreateToken(("secret/data/prod/*", ["create", "update"]), ("secret/metadata/prod/*", ["delete"]));

        var report = await new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults).RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Missing));
        Assert.Equal(
            ["secret/data/replica-us/vartrack-access-check", "secret/data/prod/vartrack-access-check", "secret/metadata/prod/vartrack-access-check"],
            report.Items.Where(i => i.Target.StartsWith("vault destination", StringComparison.Ordinal)).Select(i => i.Path));

        await rig.WriteAsync("origin", "secret/prod/app1", ("password", "p1"));
        var result = await rig.RunAsync();
        Assert.All(result.Destinations, d => Assert.Equal((CycleOutcome.Published, 1), (d.Outcome, d.Copied)));
        Assert.Equal("p1", (await rig.ReadAsync("eu", "secret/replica-us/app1"))!["password"]);

        // A token limited to another prefix is still reported, at the path the transform writes to.
        rig.Environment["EU_TOKEN"] = rig.Destinations["eu"].CreateToken(("secret/data/other/*", ["create", "update", "delete"]));
        // The rig's clients are made once, so the new token needs new clients.
        using var vaults = VaultReplicaVaults.Create(rig.Settings, Path.GetTempPath(), new VarTrack.Core.Config.SettingResolver(name => rig.Environment.GetValueOrDefault(name)));
        var denied = await new VaultAccessCheck(rig.Settings, rig.Store, vaults).RunAsync();
        Assert.Equal("secret/data/replica-us/vartrack-access-check", Assert.Single(denied.Missing).Path);
    }

    [Fact]
    public async Task A_rejected_token_marks_every_path_of_its_cluster_missing_with_the_reason()
    {
        await using var rig = await RigAsync();
        rig.Environment["EU_TOKEN"] = "hvs.not-a-valid-token-5555";

        var report = await new VaultAccessCheck(rig.Settings, rig.Store, rig.Vaults).RunAsync();

        Assert.Equal(["secret/data/vartrack-access-check", "kv/data/team/a/vartrack-access-check"], report.Missing.Select(m => m.Path));
        Assert.All(report.Missing, missing =>
        {
            Assert.Equal("vault destination 'eu'", missing.Target);
            Assert.Equal(["create", "update", "delete"], missing.Missing);
            Assert.Contains("vault returned 403 for sys/capabilities-self: permission denied", missing.Error);
            Assert.DoesNotContain("hvs.not-a-valid-token-5555", missing.ToString());
        });
    }

    [Fact]
    public async Task A_store_that_refuses_writes_or_ignores_conditions_is_reported()
    {
        await using var rig = await RigAsync();

        var readOnly = await new VaultAccessCheck(rig.Settings, new StateSyncInfoStore(new ReadOnlyState(), "a read-only store"), rig.Vaults).RunAsync();
        var careless = await new VaultAccessCheck(rig.Settings, new UnconditionalStore(new StateSyncInfoStore(new InMemoryStateStore())), rig.Vaults).RunAsync();

        var store = readOnly.Items[0];
        Assert.Equal(["write", "read", "update", "delete"], store.Missing);
        Assert.StartsWith("write: writes are refused", store.Error);
        var unconditional = careless.Items[0];
        Assert.Equal(["update"], unconditional.Missing);
        Assert.Contains("a write conditional on an old version was not refused", unconditional.Error);
    }

    private sealed class ReadOnlyState : IStateStore
    {
        public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult<byte[]?>(null);
        public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => throw new UnauthorizedAccessException("writes are refused");
        public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => throw new UnauthorizedAccessException("writes are refused");
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new UnauthorizedAccessException("deletes are refused");
        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>([]);
    }

    /// <summary>A store whose publish ignores the expected tag (what the conditional-update probe must catch).</summary>
    private sealed class UnconditionalStore(ISyncInfoStore inner) : ISyncInfoStore
    {
        public string Description => inner.Description;
        public Task<VersionedDocument?> ReadIndexAsync(string owner, CancellationToken cancellationToken = default) => inner.ReadIndexAsync(owner, cancellationToken);
        public async Task<string> WriteIndexAsync(string owner, ReadOnlyMemory<byte> data, string? expectedTag, CancellationToken cancellationToken = default) =>
            await inner.WriteIndexAsync(owner, data, (await inner.ReadIndexAsync(owner, cancellationToken))?.Tag, cancellationToken);
        public Task<byte[]?> ReadBucketAsync(string owner, string generation, int bucket, CancellationToken cancellationToken = default) => inner.ReadBucketAsync(owner, generation, bucket, cancellationToken);
        public Task WriteBucketAsync(string owner, string generation, int bucket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.WriteBucketAsync(owner, generation, bucket, data, cancellationToken);
        public Task<IReadOnlyList<string>> ListGenerationsAsync(string owner, CancellationToken cancellationToken = default) => inner.ListGenerationsAsync(owner, cancellationToken);
        public Task DeleteGenerationAsync(string owner, string generation, CancellationToken cancellationToken = default) => inner.DeleteGenerationAsync(owner, generation, cancellationToken);
        public Task DeleteIndexAsync(string owner, CancellationToken cancellationToken = default) => inner.DeleteIndexAsync(owner, cancellationToken);
    }
}
