using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// Writes flat keys as znodes under the destination root (an absolute znode path such as <c>/app/production</c>).
/// Path mode: <c>db.host</c> -> <c>/root/db/host</c>; dot mode: <c>db.host</c> -> <c>/root/db.host</c>. Values are
/// UTF-8 znode data. Keys always hold non-null data; znodes created only as parents hold null data and are not keys,
/// so a null value is stored as empty data and read back as null through the owner's provenance (<see cref="StoredText"/>).
/// Provenance: <c>/root/__vartrack__/&lt;owner token&gt;</c> holds the owner's record as JSON.
/// Reads list the tree level by level with pipelined getChildren and getData; writes are pipelined reads of the
/// touched znodes, then multi transactions bounded in ops and bytes, the provenance in the last one.
/// </summary>
public sealed class ZooKeeperSink : ISink, IAsyncDisposable
{
    /// <summary>Ops per multi: keeps each transaction and its reply small.</summary>
    public const int MaxOpsPerMulti = 1000;

    /// <summary>Request bytes per multi: half of ZooKeeper's default jute.maxbuffer (1 MB), leaving room for the server's overhead.</summary>
    public const int MaxBytesPerMulti = 512 * 1024;

    /// <summary>Largest value stored; a request over jute.maxbuffer (1 MB by default) makes the server drop the connection.</summary>
    public const int MaxValueBytes = 1_000_000;

    private readonly ZooKeeperClient _client;
    private readonly ZooKeeperKeyLayout _layout;
    private readonly IReadOnlyList<ZooKeeperAcl> _acl;

    /// <param name="client">Owned by the sink from here on: disposed with it.</param>
    /// <param name="mode">How keys map to znodes.</param>
    /// <param name="acl">ACL for every znode the sink creates (missing ancestors of the root included); null for world:anyone (OPEN_ACL_UNSAFE).</param>
    public ZooKeeperSink(ZooKeeperClient client, ZooKeeperMode mode, IReadOnlyList<ZooKeeperAcl>? acl = null)
    {
        _client = client;
        _layout = new ZooKeeperKeyLayout(mode);
        _acl = acl ?? ZooKeeperAcl.Open;
    }

    /// <summary>For tests: the client, to see the negotiated session.</summary>
    internal ZooKeeperClient Client => _client;

    public async Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        var root = ZooKeeperKeyLayout.Root(target.Destination);
        var provenancePath = ZooKeeperKeyLayout.ProvenancePath(root, target);
        var rootRead = TryGetDataAsync(root, cancellationToken);
        var provenanceRead = TryGetDataAsync(provenancePath, cancellationToken);
        if (await rootRead is not { } rootNode)
        {
            await provenanceRead;
            return Snapshot.Empty;
        }
        var provenance = await provenanceRead is { } record ? ParseProvenance(record, provenancePath) : null;

        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        var level = new List<(string Path, string? Key, ZooKeeperStat Stat)> { (root, null, rootNode.Stat) };
        while (level.Count > 0)
        {
            var parents = level.Where(n => n.Stat.NumChildren > 0).ToList();
            var childLists = await Task.WhenAll(parents.Select(p => TryGetChildrenAsync(p.Path, cancellationToken)));
            var children = new List<(string Path, string Key)>();
            for (var i = 0; i < parents.Count; i++)
                foreach (var name in childLists[i])
                {
                    var (path, key, _) = parents[i];
                    if (key is null && name == ZooKeeperKeyLayout.ProvenanceFolder) continue;
                    children.Add((ZooKeeperPath.Combine(path, name), key is null ? name : $"{key}.{name}"));
                }

            var nodes = await Task.WhenAll(children.Select(c => TryGetDataAsync(c.Path, cancellationToken)));
            level = [];
            for (var i = 0; i < children.Count; i++)
            {
                if (nodes[i] is not { } node) continue; // deleted since it was listed
                if (node.Data is { } data) stored[children[i].Key] = Encoding.UTF8.GetString(data);
                if (_layout.Mode == ZooKeeperMode.Path) level.Add((children[i].Path, children[i].Key, node.Stat));
            }
        }
        var values = stored.ToDictionary(s => s.Key, s => StoredText.Decode(s.Key, s.Value, provenance), StringComparer.Ordinal);
        return new Snapshot(values, provenance);
    }

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var root = ZooKeeperKeyLayout.Root(target.Destination);
        // Every key is checked before anything is written.
        var upserts = changes.Upserts.Select(u => (Path: _layout.PathOf(root, u.Key), Data: Encode(u.Key, u.Value)))
            .OrderBy(u => u.Path, StringComparer.Ordinal).ToList();
        var removals = changes.Removals.Select(key => _layout.PathOf(root, key)).OrderByDescending(p => p, StringComparer.Ordinal).ToList();
        var provenancePath = ZooKeeperKeyLayout.ProvenancePath(root, target);

        // Existence and version of every touched znode and its ancestors; data too for the parents a removal may
        // leave empty (null data = created only as a parent, deleted once empty).
        var statPaths = new HashSet<string>(StringComparer.Ordinal) { provenancePath };
        var dataPaths = new HashSet<string>(StringComparer.Ordinal) { ZooKeeperPath.Parent(provenancePath) };
        AddAncestors(statPaths, provenancePath, "/");
        foreach (var (path, _) in upserts)
        {
            statPaths.Add(path);
            AddAncestors(statPaths, path, "/");
        }
        foreach (var path in removals)
        {
            statPaths.Add(path);
            AddAncestors(dataPaths, path, root);
        }
        statPaths.ExceptWith(dataPaths);
        var known = await ReadTouchedAsync(statPaths, dataPaths, cancellationToken);

        if (known.Any(k => k.Path == root && k.Stat is null))
        {
            if (upserts.Count == 0 && provenance is null) return; // nothing there, nothing to write
            // The root and its ancestors may be shared with other destinations written at the same time, so they
            // are created outside the batch, tolerating a concurrent creator, and left in place afterwards.
            var chain = new HashSet<string>(StringComparer.Ordinal) { root };
            AddAncestors(chain, root, "/");
            await CreateMissingAsync(known.Where(k => chain.Contains(k.Path) && k.Stat is null).Select(k => k.Path), cancellationToken);
            known = [.. known.Where(k => !chain.Contains(k.Path)), .. await ReadTouchedAsync(chain, [], cancellationToken)];
        }

        var plan = new ZooKeeperWritePlan(root, _acl);
        foreach (var node in known) plan.Known(node.Path, node.Stat, node.NullData);
        foreach (var (path, data) in upserts) plan.Upsert(path, data);
        foreach (var path in removals) plan.Remove(path);
        if (provenance is not null) plan.Upsert(provenancePath, ProvenanceJson.Serialize(provenance));
        else plan.Remove(provenancePath);

        foreach (var batch in plan.Batches(MaxOpsPerMulti, MaxBytesPerMulti)) await _client.MultiAsync(batch, cancellationToken);
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    /// <summary>Pipelined: exists for <paramref name="statPaths"/>, getData (to see null data) for <paramref name="dataPaths"/>.</summary>
    private async Task<TouchedNode[]> ReadTouchedAsync(IEnumerable<string> statPaths, IEnumerable<string> dataPaths, CancellationToken cancellationToken)
    {
        var stats = statPaths.Select(async path => new TouchedNode(path, await _client.ExistsAsync(path, cancellationToken), null));
        var datas = dataPaths.Select(async path => await TryGetDataAsync(path, cancellationToken) is { } node
            ? new TouchedNode(path, node.Stat, node.Data is null)
            : new TouchedNode(path, null, null));
        return await Task.WhenAll(stats.Concat(datas));
    }

    /// <summary>Creates the missing ones of <paramref name="paths"/> (the root and its ancestors), top down, tolerating a concurrent creator.</summary>
    private async Task CreateMissingAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        foreach (var path in paths.OrderBy(p => p.Length))
        {
            try
            {
                await _client.CreateAsync(path, null, _acl, cancellationToken);
            }
            catch (ZooKeeperException ex) when (ex.Code == ZooKeeperErrorCode.NodeExists)
            {
            }
        }
    }

    private static byte[] Encode(string key, FlatValue value)
    {
        var data = Encoding.UTF8.GetBytes(StoredText.Encode(value));
        if (data.Length > MaxValueBytes)
            throw new VarTrackException(new Problem($"value of key '{key}' is {data.Length} bytes; a znode holds at most {MaxValueBytes} bytes (ZooKeeper's default jute.maxbuffer is 1 MB)") { Key = key });
        return data;
    }

    private static Provenance ParseProvenance(ZooKeeperData node, string path) =>
        node.Data is { } data
            ? ProvenanceJson.Parse(data, $"znode {path}")
            : throw new VarTrackException(new Problem($"provenance record at znode {path} is not valid: the znode holds no data (expected a JSON record)"));

    /// <summary>Adds the ancestors of <paramref name="path"/> strictly below <paramref name="stop"/>.</summary>
    private static void AddAncestors(HashSet<string> paths, string path, string stop)
    {
        for (var parent = ZooKeeperPath.Parent(path); parent != "/" && parent.Length > stop.Length; parent = ZooKeeperPath.Parent(parent))
            paths.Add(parent);
    }

    private async Task<ZooKeeperData?> TryGetDataAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetDataAsync(path, cancellationToken);
        }
        catch (ZooKeeperException ex) when (ex.Code == ZooKeeperErrorCode.NoNode)
        {
            return null;
        }
    }

    private readonly record struct TouchedNode(string Path, ZooKeeperStat? Stat, bool? NullData);

    private async Task<IReadOnlyList<string>> TryGetChildrenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetChildrenAsync(path, cancellationToken);
        }
        catch (ZooKeeperException ex) when (ex.Code == ZooKeeperErrorCode.NoNode)
        {
            return [];
        }
    }
}
