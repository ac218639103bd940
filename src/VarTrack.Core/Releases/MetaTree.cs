namespace VarTrack.Core.Releases;

/// <summary>
/// The files of the meta repository at one commit: every path (sorted ordinally) and their bytes, read on demand.
/// <see cref="Commit"/> is null for a repository (or branch) with no commit yet.
/// </summary>
public sealed class MetaTree
{
    private readonly IReadOnlyList<string> _paths;
    private readonly HashSet<string> _known;
    private readonly Func<string, byte[]?> _read;

    public MetaTree(string? commit, IEnumerable<string> paths, Func<string, byte[]?> read)
    {
        Commit = commit;
        _paths = [.. paths.Order(StringComparer.Ordinal)];
        _known = new HashSet<string>(_paths, StringComparer.Ordinal);
        _read = read;
    }

    public static MetaTree Empty { get; } = new(null, [], _ => null);

    /// <summary>A tree held in memory (tests, and files planned but not yet committed).</summary>
    public static MetaTree Of(string? commit, IReadOnlyDictionary<string, byte[]> files) =>
        new(commit, files.Keys, path => files.TryGetValue(path, out var bytes) ? bytes : null);

    public string? Commit { get; }

    public IReadOnlyList<string> Paths => _paths;

    public bool Exists(string path) => _known.Contains(path);

    public byte[]? Read(string path) => _known.Contains(path) ? _read(path) : null;

    /// <summary>Paths inside <paramref name="folder"/> (at any depth), in order.</summary>
    public IEnumerable<string> Under(string folder)
    {
        var prefix = folder.TrimEnd('/') + "/";
        return _paths.Where(p => p.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>The names of the folders directly inside <paramref name="folder"/>.</summary>
    public IReadOnlyList<string> Folders(string folder)
    {
        var prefix = folder.TrimEnd('/') + "/";
        return [.. Under(folder).Select(p => p[prefix.Length..]).Where(rest => rest.Contains('/')).Select(rest => rest[..rest.IndexOf('/')]).Distinct(StringComparer.Ordinal)];
    }
}
