namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The one check for paths of node files, run where paths are configured, where files are materialized and again by
/// the client: relative, '/'-separated, no <c>..</c>, no empty or <c>.</c> segments after normalising, no control
/// characters or backslashes (a backslash is a file name character on Linux but a separator on Windows, so it is
/// refused rather than guessed). A payload that passes can be joined under any root without leaving it.
/// </summary>
public static class NodeFilePath
{
    public const int MaxLength = 1024;

    /// <summary>A path or mode from elsewhere as it may be shown in a message: control characters as '?', at most 200 characters.</summary>
    public static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray());

    /// <summary>The normalised path (<c>./a//b</c> -> <c>a/b</c>), or null with <paramref name="problem"/> saying why not.</summary>
    public static string? Normalize(string? path, out string? problem)
    {
        problem = Check(path);
        if (problem is not null) return null;
        var segments = path!.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Length == 0)
        {
            problem = "is empty";
            return null;
        }
        return string.Join('/', segments);
    }

    /// <summary>True when <paramref name="path"/> is already in normal form.</summary>
    public static bool IsNormal(string? path) => Normalize(path, out _) is { } normal && normal == path;

    private static string? Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty";
        if (path.Length > MaxLength) return $"is longer than {MaxLength} characters";
        if (path.StartsWith('/')) return "must be relative (it starts with '/')";
        if (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0])) return "must be relative (it starts with a drive letter)";
        if (path.Contains('\\')) return "must use '/' as separator (it contains '\\')";
        if (path.Any(char.IsControl)) return "contains a control character";
        foreach (var segment in path.Split('/'))
        {
            if (segment == "..") return "must not contain '..'";
            if (segment.Length > 255) return "has a segment longer than 255 characters";
        }
        return null;
    }
}
