using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>Reads the records of a <see cref="MetaTree"/>; a malformed record is an error naming its path.</summary>
public static class MetaRecords
{
    public static ReleaseRecord? Release(MetaTree tree, string project, string releaseId)
    {
        var path = MetaPaths.Release(project, releaseId);
        return tree.Read(path) is { } bytes ? ReleaseRecord.Parse(CanonicalJson.ParseObject(bytes, path), Parsed(path)) : null;
    }

    public static BinaryRecord? Binary(MetaTree tree, string project, string releaseId, string os, string arch)
    {
        var path = MetaPaths.Binary(project, releaseId, os, arch);
        return tree.Read(path) is { } bytes ? BinaryRecord.Parse(CanonicalJson.ParseObject(bytes, path), Parsed(path)) : null;
    }

    /// <summary>Every binary of a release by platform (<c>linux-amd64</c>), in order.</summary>
    public static IReadOnlyList<(MetaPath Path, BinaryRecord Record)> Binaries(MetaTree tree, string project, string releaseId)
    {
        var result = new List<(MetaPath, BinaryRecord)>();
        foreach (var file in tree.Under(MetaPaths.BinariesFolder(project, releaseId)))
        {
            var path = MetaPaths.Parse(file, out _);
            if (path?.Kind != MetaPathKind.Binary) continue;
            result.Add((path, BinaryRecord.Parse(CanonicalJson.ParseObject(tree.Read(file)!, file), path)));
        }
        return result;
    }

    public static PromotionEvent Event(MetaTree tree, MetaPath path) =>
        PromotionEvent.Parse(CanonicalJson.ParseObject(tree.Read(path.Path) ?? throw Missing(path.Path), path.Path), path);

    public static IReadOnlyList<string> Projects(MetaTree tree) => tree.Folders(MetaPaths.ProjectsFolder);

    public static IReadOnlyList<string> Channels(MetaTree tree, string project) => tree.Folders(MetaPaths.ChannelsFolder(project));

    public static MetaPath Parsed(string path) =>
        MetaPaths.Parse(path, out var problem) ?? throw new VarTrackException(new Problem(problem!) { File = path });

    private static VarTrackException Missing(string path) => new(new Problem("the file does not exist") { File = path });
}
