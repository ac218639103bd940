namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// Turns upserts and removals into znode operations, given what the tree looked like just before (per path: absent,
/// or version, child count and whether its data is null). Keys hold non-null data; znodes created only as parents hold
/// null data, so they never read back as keys. A removed key with children keeps its znode with null data; a removed
/// key's parents that are left empty and hold null data are deleted too, up to (not including) the root. Versions
/// read before are expected, so a concurrent change in between fails the write with BadVersion instead of being lost.
/// </summary>
internal sealed class ZooKeeperWritePlan(string root, IReadOnlyList<ZooKeeperAcl> acl)
{
    private readonly Dictionary<string, Node?> _nodes = new(StringComparer.Ordinal);

    public List<ZooKeeperOp> Ops { get; } = [];

    /// <summary>Records a znode read before planning: <paramref name="stat"/> null when absent; <paramref name="nullData"/> null when its data was not read.</summary>
    public void Known(string path, ZooKeeperStat? stat, bool? nullData) =>
        _nodes[path] = stat is null ? null : new Node { Version = stat.Version, Children = stat.NumChildren, NullData = nullData };

    public void Upsert(string path, byte[] data)
    {
        var missing = new Stack<string>();
        for (var parent = ZooKeeperPath.Parent(path); parent != "/" && Find(parent) is null; parent = ZooKeeperPath.Parent(parent)) missing.Push(parent);
        while (missing.Count > 0) Create(missing.Pop(), null);

        if (Find(path) is { } node)
        {
            Ops.Add(ZooKeeperOp.SetData(path, data, node.Version));
            node.Version++;
            node.NullData = false;
        }
        else
        {
            Create(path, data);
        }
    }

    public void Remove(string path)
    {
        if (Find(path) is not { } node) return; // already gone
        if (node.Children > 0)
        {
            // Still a parent of other keys: stop being a key, stay as their parent.
            if (node.NullData != true) Ops.Add(ZooKeeperOp.SetData(path, null, node.Version++));
            node.NullData = true;
            return;
        }
        Delete(path, node);
        for (var parent = ZooKeeperPath.Parent(path); parent.Length > root.Length && Find(parent) is { Children: 0, NullData: true } empty; parent = ZooKeeperPath.Parent(parent))
            Delete(parent, empty);
    }

    /// <summary>The ops split into multis of at most <paramref name="maxOps"/> ops and about <paramref name="maxBytes"/> bytes, in order.</summary>
    public IEnumerable<IReadOnlyList<ZooKeeperOp>> Batches(int maxOps, int maxBytes)
    {
        var batch = new List<ZooKeeperOp>();
        var bytes = 0;
        foreach (var op in Ops)
        {
            var size = op.EncodedSizeEstimate;
            if (batch.Count > 0 && (batch.Count >= maxOps || bytes + size > maxBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(op);
            bytes += size;
        }
        if (batch.Count > 0) yield return batch;
    }

    private void Create(string path, byte[]? data)
    {
        Ops.Add(ZooKeeperOp.Create(path, data, acl));
        _nodes[path] = new Node { NullData = data is null };
        if (Find(ZooKeeperPath.Parent(path)) is { } parent) parent.Children++;
    }

    private void Delete(string path, Node node)
    {
        Ops.Add(ZooKeeperOp.Delete(path, node.Version));
        _nodes[path] = null;
        if (Find(ZooKeeperPath.Parent(path)) is { } parent) parent.Children--;
    }

    private Node? Find(string path) => _nodes.GetValueOrDefault(path);

    private sealed class Node
    {
        public int Version;
        public int Children;
        public bool? NullData;
    }
}
