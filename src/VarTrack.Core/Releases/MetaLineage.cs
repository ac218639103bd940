using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// Binary digest -> binary record -> release -> the commit of every repository it was built from. The same bytes may
/// have been recorded for several releases or platforms, so the answer is a list. Records that cannot be read are
/// reported in <paramref name="problems"/> and skipped, so one bad file does not hide every other match.
/// </summary>
public static class MetaLineage
{
    public static IReadOnlyList<LineageEntry> Find(MetaTree tree, string digest, List<Problem> problems)
    {
        var wanted = BinaryRecord.NormalizeDigest(digest);
        var matches = new List<LineageEntry>();
        foreach (var file in tree.Under(MetaPaths.ProjectsFolder))
        {
            var path = MetaPaths.Parse(file, out _);
            if (path?.Kind != MetaPathKind.Binary) continue;
            try
            {
                var binary = BinaryRecord.Parse(CanonicalJson.ParseObject(tree.Read(file)!, file), path);
                if (binary.Digest != wanted) continue;
                var release = MetaRecords.Release(tree, path.Project!, path.ReleaseId!);
                if (release is null) problems.Add(new Problem($"the binary matches, but release '{path.ReleaseId}' does not exist") { File = file });
                matches.Add(new LineageEntry(path.Project!, path, binary, release));
            }
            catch (VarTrackException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        return matches;
    }
}
