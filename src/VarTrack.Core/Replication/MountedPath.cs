namespace VarTrack.Core.Replication;

/// <summary>A secret path split into its KV v2 mount and the path inside the mount (<c>secret</c> + <c>stage/app1</c>).</summary>
public sealed record MountedPath(string Mount, string Path)
{
    public override string ToString() => $"{Mount}/{Path}";

    /// <summary>
    /// Splits <c>&lt;mount&gt;/&lt;path&gt;</c> by the longest of <paramref name="mounts"/> it starts with; null when none
    /// matches, or nothing is left after the mount, or a segment is empty, '.' or '..' (Vault would read another path).
    /// </summary>
    public static MountedPath? Split(string fullPath, IEnumerable<string> mounts)
    {
        var mount = mounts.Where(m => fullPath.Length > m.Length + 1 && fullPath.StartsWith(m + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Length)
            .FirstOrDefault();
        if (mount is null) return null;
        var path = fullPath[(mount.Length + 1)..];
        return path.Split('/').All(s => s.Length > 0 && s != "." && s != "..") ? new MountedPath(mount, path) : null;
    }
}
