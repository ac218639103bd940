namespace VarTrack.Connectors.ZooKeeper;

/// <summary>ZooKeeper's rules for znode paths and names (as the server's PathUtils enforces them), checked before sending.</summary>
public static class ZooKeeperPath
{
    /// <summary>Why <paramref name="name"/> cannot be one znode name (one path segment), or null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (name is "." or "..") return $"'{name}' is a relative path element";
        foreach (var c in name)
        {
            if (c == '/') return "it contains '/'";
            if (c == '\0') return "it contains a NUL character";
            if (c is > '\u0000' and <= '\u001f' or >= '\u007f' and <= '\u009f')
                return $"it contains the control character U+{(int)c:X4}";
            if (c is >= '\ud800' and <= '\uf8ff' or >= '\ufff0')
                return $"it contains U+{(int)c:X4} (surrogates, private-use and U+FFF0..U+FFFF characters are not allowed in znode names)";
        }
        return null;
    }

    /// <summary>Why <paramref name="path"/> is not an absolute znode path, or null when it is.</summary>
    public static string? Problem(string path)
    {
        if (!path.StartsWith('/')) return "it must start with '/'";
        if (path == "/") return null;
        if (path.EndsWith('/')) return "it must not end with '/'";
        foreach (var segment in path[1..].Split('/'))
            if (NameProblem(segment) is { } problem)
                return $"segment '{segment}': {problem}";
        return null;
    }

    /// <summary>The parent of an absolute path ("/" for a top-level znode).</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    public static string Combine(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;
}
