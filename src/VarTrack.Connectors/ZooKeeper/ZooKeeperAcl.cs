using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>One ACL entry: permission bits for an identity (scheme + id), as ZooKeeper stores it on each znode.</summary>
public sealed record ZooKeeperAcl(int Permissions, string Scheme, string Id)
{
    /// <summary>READ | WRITE | CREATE | DELETE | ADMIN.</summary>
    public const int AllPermissions = 31;

    /// <summary>Anyone may do anything (ZooKeeper's OPEN_ACL_UNSAFE).</summary>
    public static IReadOnlyList<ZooKeeperAcl> Open { get; } = [new(AllPermissions, "world", "anyone")];

    /// <summary>All permissions for one digest user: id is <c>user:base64(sha1("user:password"))</c>, as the server computes it on addAuth.</summary>
    public static ZooKeeperAcl Digest(string user, string password)
    {
        // SHA-1 is what the digest scheme is defined with; it is not a choice made here.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return new ZooKeeperAcl(AllPermissions, "digest", $"{user}:{Convert.ToBase64String(hash)}");
    }
}
