namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Resolves a path the way the kernel will when a file is opened (like realpath(3)): every symbolic link along it is
/// followed and <c>..</c> is applied to the real folder, not the written one. Components that do not exist yet are
/// appended as written. Used to tell whether a file really lies inside a folder, which a textual prefix check cannot.
/// </summary>
public static class PhysicalPath
{
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    /// <summary>True when <paramref name="path"/> resolves to <paramref name="folder"/> or something below it (both resolved).</summary>
    public static bool IsInside(string path, string folder)
    {
        var resolved = Resolve(path);
        var root = Resolve(folder).TrimEnd(Path.DirectorySeparatorChar);
        return resolved == root || resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || root.Length == 0;
    }

    private static string Resolve(string full, ref int links)
    {
        var root = Path.GetPathRoot(full)!;
        var current = root;
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".") continue;
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, segment);
            string? target = null;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (IOException)
            {
                // Not a link we can read (or gone): treat it as a plain component.
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"too many levels of symbolic links at {next}");
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            var rest = target[(Path.IsPathRooted(target) ? Path.GetPathRoot(target)!.Length : 0)..]
                .Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            for (var i = rest.Length - 1; i >= 0; i--) pending.Push(rest[i]);
        }
        return current;
    }
}
