using System.Collections.Frozen;
using VarTrack.Core.Errors;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Checks what any materializer (built in or not) returned before a byte of it is served: every path relative and
/// normalised (<see cref="NodeFilePath"/>), modes octal permission bits, and no path twice in one node's payload.
/// <see cref="Checked"/> checks once per result: the cache keeps the checked result, so a cached snapshot is not
/// checked again on every request.
/// </summary>
public static class NodeArtifactCheck
{
    /// <summary>
    /// <paramref name="ready"/> when it already is a result this method returned (with the same file lists); else its
    /// file lists copied read-only, checked (<see cref="Check"/>) and marked. The copies are what make skipping later
    /// checks safe: no materializer holds a list it could still change, and paths and modes of an artifact are
    /// immutable. Throws like <see cref="Check"/>.
    /// </summary>
    public static MaterializationReady Checked(MaterializationReady ready)
    {
        if (ready.IsChecked) return ready;
        var copy = ready with
        {
            NodeFiles = ready.NodeFiles.ToFrozenDictionary(e => e.Key, e => (IReadOnlyList<NodeArtifact>)Array.AsReadOnly(e.Value.ToArray()), StringComparer.Ordinal),
            SharedFiles = Array.AsReadOnly(ready.SharedFiles.ToArray()),
        };
        Check(copy);
        return copy.MarkChecked();
    }

    public static void Check(MaterializationReady ready)
    {
        Files("shared files", ready.SharedFiles);
        foreach (var (identifier, files) in ready.NodeFiles)
        {
            Files($"the files of node '{identifier}'", files);
            var clash = files.Select(f => f.Path).Intersect(ready.SharedFiles.Select(f => f.Path), StringComparer.Ordinal).FirstOrDefault();
            if (clash is not null)
                throw new VarTrackException(new Problem($"materialized path '{clash}' is both a file of node '{identifier}' and a shared file; refused"));
        }
    }

    public static bool IsMode(string? mode) =>
        mode is { Length: 3 or 4 } && mode.All(c => c is >= '0' and <= '7') && Convert.ToInt32(mode, 8) <= 0x1FF;

    private static void Files(string what, IReadOnlyList<NodeArtifact> files)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var normal = NodeFilePath.Normalize(file.Path, out var problem);
            if (normal is null || normal != file.Path)
                throw new VarTrackException(new Problem($"materialized path '{NodeFilePath.Printable(file.Path)}' in {what} {problem ?? $"is not normalised (it would be '{normal}')"}; refused"));
            if (file.Mode is not null && !IsMode(file.Mode))
                throw new VarTrackException(new Problem($"materialized file '{file.Path}' in {what} has mode '{NodeFilePath.Printable(file.Mode)}'; expected octal permission bits such as 0644"));
            if (!seen.Add(file.Path))
                throw new VarTrackException(new Problem($"materialized path '{file.Path}' appears twice in {what}; refused"));
        }
    }
}
