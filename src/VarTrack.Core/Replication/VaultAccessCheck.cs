namespace VarTrack.Core.Replication;

/// <summary>
/// The startup check of replication's permissions, reporting exactly what is missing where:
/// the sync info store must let VarTrack read, write, update conditionally and delete (tried for real on a probe owner
/// <c>access-check</c>, then removed), and each Vault token must hold the capabilities its role needs (asked through
/// <c>sys/capabilities-self</c> for a probe path under each mount and prefix, so nothing is written to Vault):
/// the origin <c>list</c> on <c>&lt;mount&gt;/metadata/&lt;prefix&gt;/</c> and <c>read</c> on <c>&lt;mount&gt;/metadata/...</c> and
/// <c>&lt;mount&gt;/data/...</c>; a destination <c>create</c> and <c>update</c> on <c>&lt;mount&gt;/data/...</c> where it
/// writes (under each transform's fixed <c>to</c> prefix, and each origin mount and prefix when unmatched paths keep their path), plus
/// <c>delete</c> there for <c>delete_mode: soft</c>, or <c>delete</c> on <c>&lt;mount&gt;/metadata/...</c> for <c>destroy</c>.
/// </summary>
public sealed class VaultAccessCheck(ReplicationSettings settings, ISyncInfoStore store, IReplicaVaults vaults)
{
    public const string ProbeOwner = "access-check";
    public const string ProbeSecret = "vartrack-access-check";

    public async Task<AccessReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<AccessCheckItem> { await CheckStoreAsync(cancellationToken) };
        var originPaths = new List<(string Path, string[] Needed)>();
        foreach (var mount in settings.Origin.Mounts)
        {
            var folder = mount.Prefix.Length == 0 ? "" : mount.Prefix + "/";
            originPaths.Add(($"{mount.Mount}/metadata/{folder}", ["list"]));
            originPaths.Add(($"{mount.Mount}/metadata/{folder}{ProbeSecret}", ["read"]));
            originPaths.Add(($"{mount.Mount}/data/{folder}{ProbeSecret}", ["read"]));
        }
        items.AddRange(await CheckVaultAsync($"origin '{settings.Origin.Name}'", settings.Origin.Name, originPaths, cancellationToken));
        foreach (var destination in settings.Destinations)
        {
            var paths = new List<(string Path, string[] Needed)>();
            foreach (var probe in DestinationProbes(destination))
            {
                paths.Add(($"{probe.Mount}/data/{probe.Path}", destination.DeleteMode == DeleteMode.Soft ? ["create", "update", "delete"] : ["create", "update"]));
                if (destination.DeleteMode == DeleteMode.Destroy) paths.Add(($"{probe.Mount}/metadata/{probe.Path}", ["delete"]));
            }
            items.AddRange(await CheckVaultAsync($"destination '{destination.Name}'", destination.Name, paths, cancellationToken));
        }
        return new AccessReport(items);
    }

    /// <summary>
    /// Where a destination will write, so a least-privilege policy (<c>secret/data/replica-us/*</c>) passes: under each
    /// transform's fixed start (the whole path for a rule without groups) and, when unmatched paths keep their path,
    /// under each origin mount and prefix. With none of them under a destination mount, each mount's root.
    /// </summary>
    private IReadOnlyList<MountedPath> DestinationProbes(ReplicationDestination destination)
    {
        var targets = new List<string>();
        foreach (var rule in destination.Transforms.Rules)
            targets.Add(rule.HasGroups ? rule.LiteralPrefix + ProbeSecret : rule.LiteralPrefix);
        if (destination.Transforms.Unmatched == UnmatchedPaths.Identity)
            foreach (var mount in settings.Origin.Mounts)
                targets.Add($"{mount.Mount}/{(mount.Prefix.Length == 0 ? "" : mount.Prefix + "/")}{ProbeSecret}");
        var probes = targets.Select(t => MountedPath.Split(t, destination.Mounts)).OfType<MountedPath>().Distinct().ToList();
        return probes.Count > 0 ? probes : destination.Mounts.Select(m => new MountedPath(m, ProbeSecret)).ToList();
    }

    private async Task<IEnumerable<AccessCheckItem>> CheckVaultAsync(string role, string name, List<(string Path, string[] Needed)> paths, CancellationToken cancellationToken)
    {
        IReplicaVault vault;
        IReadOnlyDictionary<string, IReadOnlyList<string>> capabilities;
        try
        {
            vault = vaults.Get(name);
            capabilities = await vault.CapabilitiesAsync(paths.Select(p => p.Path).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        }
        catch (ReplicaVaultException ex)
        {
            return paths.Select(p => new AccessCheckItem($"vault {role}", p.Path, p.Needed, p.Needed) { Error = ex.Message });
        }
        return paths.Select(p =>
        {
            var held = capabilities.GetValueOrDefault(p.Path) ?? [];
            var missing = held.Contains("root") ? [] : p.Needed.Where(n => !held.Contains(n)).ToList();
            return new AccessCheckItem($"vault {role} at {vault.Address}", p.Path, p.Needed, missing);
        });
    }

    /// <summary>Reads, writes, updates (conditionally, and checks a stale update is refused) and deletes a probe owner's sync info.</summary>
    private async Task<AccessCheckItem> CheckStoreAsync(CancellationToken cancellationToken)
    {
        var target = $"sync info store ({store.Description})";
        var missing = new List<string>();
        var errors = new List<string>();
        var generation = SyncInfoJson.NewGeneration(DateTimeOffset.UtcNow);
        var bucket = SyncInfoJson.Serialize(SyncBucket.Empty(0));
        var index = new SyncIndex(1, generation, DateTimeOffset.UnixEpoch, [new SyncIndexBucket(0, SyncInfoJson.Hash(bucket), generation, 0)]);
        string? tag = null;

        async Task Try(string permission, Func<Task> check)
        {
            try
            {
                await check();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                missing.Add(permission);
                errors.Add($"{permission}: {ex.Message}");
            }
        }

        await Try("write", async () =>
        {
            await store.WriteBucketAsync(ProbeOwner, generation, 0, bucket, cancellationToken);
            // A probe left by an earlier check that was cut short is replaced.
            var earlier = await store.ReadIndexAsync(ProbeOwner, cancellationToken);
            tag = await store.WriteIndexAsync(ProbeOwner, SyncInfoJson.Serialize(index), earlier?.Tag, cancellationToken);
        });
        await Try("read", async () =>
        {
            var read = await store.ReadIndexAsync(ProbeOwner, cancellationToken);
            var readBucket = await store.ReadBucketAsync(ProbeOwner, generation, 0, cancellationToken);
            if (read is null || readBucket is null || !readBucket.AsSpan().SequenceEqual(bucket))
                throw new InvalidDataException("what was written could not be read back");
            tag ??= read.Tag;
        });
        await Try("update", async () =>
        {
            var stale = tag;
            tag = await store.WriteIndexAsync(ProbeOwner, SyncInfoJson.Serialize(index with { Created = DateTimeOffset.UnixEpoch.AddSeconds(1) }), stale, cancellationToken);
            try
            {
                await store.WriteIndexAsync(ProbeOwner, SyncInfoJson.Serialize(index), stale, cancellationToken);
            }
            catch (SyncInfoConflictException)
            {
                return;
            }
            throw new InvalidOperationException("a write conditional on an old version was not refused, so concurrent cycles could overwrite each other");
        });
        await Try("delete", async () =>
        {
            await store.DeleteGenerationAsync(ProbeOwner, generation, cancellationToken);
            await store.DeleteIndexAsync(ProbeOwner, cancellationToken);
            if (await store.ReadIndexAsync(ProbeOwner, cancellationToken) is not null || await store.ReadBucketAsync(ProbeOwner, generation, 0, cancellationToken) is not null)
                throw new InvalidOperationException("the probe was still there after deleting it");
        });
        return new AccessCheckItem(target, $"{ProbeOwner}/", ["read", "write", "update", "delete"], missing) { Error = errors.Count == 0 ? null : string.Join("; ", errors) };
    }
}
