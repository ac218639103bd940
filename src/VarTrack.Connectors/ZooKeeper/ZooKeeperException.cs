namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// A request the server answered with an error code, e.g. <c>NoNode for '/app/db': the znode does not exist</c>.
/// <see cref="Path"/> is the znode the failing request (or the failing op of a multi) named.
/// </summary>
public sealed class ZooKeeperException(ZooKeeperErrorCode code, string? path, int? opIndex = null)
    : Exception(Describe(code, path, opIndex))
{
    public ZooKeeperErrorCode Code { get; } = code;

    public string? Path { get; } = path;

    /// <summary>For a failed multi: the index of the op that failed (the whole multi was rolled back).</summary>
    public int? OpIndex { get; } = opIndex;

    public string CodeName => Enum.IsDefined(Code) ? Code.ToString() : $"error {(int)Code}";

    private static string Describe(ZooKeeperErrorCode code, string? path, int? opIndex)
    {
        var name = Enum.IsDefined(code) ? code.ToString() : $"error {(int)code}";
        var reason = code switch
        {
            ZooKeeperErrorCode.NoNode => "the znode does not exist",
            ZooKeeperErrorCode.NodeExists => "the znode already exists",
            ZooKeeperErrorCode.BadVersion => "the znode changed since it was read (version mismatch)",
            ZooKeeperErrorCode.NoAuth => "not authorised by the znode's ACL",
            ZooKeeperErrorCode.NotEmpty => "the znode has children",
            ZooKeeperErrorCode.InvalidAcl => "the ACL is invalid",
            ZooKeeperErrorCode.AuthFailed => "authentication failed",
            ZooKeeperErrorCode.BadArguments => "the server refused the request's arguments (invalid path or data too large?)",
            ZooKeeperErrorCode.SessionExpired => "the session expired",
            ZooKeeperErrorCode.NoChildrenForEphemerals => "ephemeral znodes cannot have children",
            ZooKeeperErrorCode.QuotaExceeded => "the quota is exceeded",
            ZooKeeperErrorCode.Throttled => "the server throttled the request",
            _ => "the server refused the request",
        };
        var where = path is null ? "" : $" for '{path}'";
        var op = opIndex is null ? "" : $" (op {opIndex} of a multi; nothing in that multi was applied)";
        return $"{name}{where}: {reason}{op}";
    }
}
