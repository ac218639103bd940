using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// The writer's last check before it commits: every file of a change must fit the path model, and a release, binary
/// or event record that already exists on the tip is never written again (records are an append-only log).
/// </summary>
public static class MetaImmutability
{
    public static void Check(MetaTree tip, MetaChange change)
    {
        var problems = new List<Problem>();
        if (change.Files.Count == 0) problems.Add(new Problem("the change writes no file"));
        foreach (var file in change.Files)
        {
            var path = MetaPaths.Parse(file.Path, out var problem);
            if (path is null)
                problems.Add(new Problem($"refused: {problem}") { File = file.Path });
            else if (path.Kind == MetaPathKind.Other)
                problems.Add(new Problem("refused: the writer only writes files of the model (projects/... and envs/...)") { File = file.Path });
            else if (path.IsImmutable && tip.Exists(file.Path))
                problems.Add(new Problem($"refused: {path.Kind.RecordName()} records are immutable and this one already exists at {Short(tip.Commit)}; " +
                                         "write a new record instead (a new release id, or a new promotion event)") { File = file.Path });
            else if (path.IsImmutable && !CanonicalJson.IsCanonical(file.Content))
                problems.Add(new Problem("refused: the record is not canonical JSON") { File = file.Path });
            else if (FileOrFolderClash(tip, change, file.Path) is { } clash)
                problems.Add(new Problem(clash) { File = file.Path });
        }
        if (change.Files.Select(f => f.Path).Distinct(StringComparer.Ordinal).Count() != change.Files.Count)
            problems.Add(new Problem("the change writes one path twice"));
        if (problems.Count > 0) throw new VarTrackException(problems);
    }

    /// <summary>
    /// Git holds a path either as a file or as a folder: writing a file where a folder is would delete every file in it,
    /// and writing under a file would delete that file. Both are refused, naming the other path.
    /// </summary>
    private static string? FileOrFolderClash(MetaTree tip, MetaChange change, string path)
    {
        var inside = tip.Under(path).Concat(change.Files.Select(f => f.Path).Where(p => p.StartsWith(path + "/", StringComparison.Ordinal))).Distinct(StringComparer.Ordinal).ToList();
        if (inside.Count > 0)
            return $"refused: '{path}' is a folder holding {Count(inside.Count)} ({string.Join(", ", inside.Take(3))}{(inside.Count > 3 ? ", ..." : "")}); " +
                   "writing a file there would delete them; choose another name";
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var parent = path[..slash];
            if (tip.Exists(parent) || change.Files.Any(f => f.Path == parent))
                return $"refused: '{parent}' is a file, so writing '{path}' would replace it with a folder and delete it; choose another name";
        }
        return null;
    }

    private static string Count(int files) => files == 1 ? "1 file" : $"{files} files";

    private static string Short(string? commit) => commit is null ? "the tip" : $"commit {commit[..Math.Min(12, commit.Length)]}";
}
