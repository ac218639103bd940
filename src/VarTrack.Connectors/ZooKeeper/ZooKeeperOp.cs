namespace VarTrack.Connectors.ZooKeeper;

/// <summary>One operation of a <see cref="ZooKeeperClient.MultiAsync"/> transaction: create, set data, delete or version check.</summary>
public sealed class ZooKeeperOp
{
    private ZooKeeperOp(ZooKeeperOpCode code, string path, byte[]? data, int version, IReadOnlyList<ZooKeeperAcl>? acl)
    {
        Code = code;
        Path = path;
        Data = data;
        Version = version;
        Acl = acl;
    }

    internal ZooKeeperOpCode Code { get; }

    /// <summary>"create", "setData", "delete" or "check", for messages and tests.</summary>
    public string Kind => Code switch
    {
        ZooKeeperOpCode.Create => "create",
        ZooKeeperOpCode.SetData => "setData",
        ZooKeeperOpCode.Delete => "delete",
        _ => "check",
    };

    public string Path { get; }

    public byte[]? Data { get; }

    /// <summary>Expected version for setData, delete and check; -1 matches any.</summary>
    public int Version { get; }

    public IReadOnlyList<ZooKeeperAcl>? Acl { get; }

    /// <summary>A persistent znode (the only mode this client creates).</summary>
    public static ZooKeeperOp Create(string path, byte[]? data, IReadOnlyList<ZooKeeperAcl> acl) => new(ZooKeeperOpCode.Create, path, data, -1, acl);

    public static ZooKeeperOp SetData(string path, byte[]? data, int version = -1) => new(ZooKeeperOpCode.SetData, path, data, version, null);

    public static ZooKeeperOp Delete(string path, int version = -1) => new(ZooKeeperOpCode.Delete, path, null, version, null);

    public static ZooKeeperOp Check(string path, int version) => new(ZooKeeperOpCode.Check, path, null, version, null);

    /// <summary>An upper bound of the bytes this op adds to a multi request, for keeping requests under jute.maxbuffer.</summary>
    public int EncodedSizeEstimate =>
        9 + 4 + System.Text.Encoding.UTF8.GetMaxByteCount(Path.Length) + 4 + (Data?.Length ?? 0) + 8
        + (Acl?.Sum(a => 12 + System.Text.Encoding.UTF8.GetMaxByteCount(a.Scheme.Length + a.Id.Length)) ?? 0);

    public override string ToString() => $"{Kind} {Path}";
}
