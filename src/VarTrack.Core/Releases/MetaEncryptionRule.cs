using VarTrack.Core.Formats;
using VarTrack.Core.Text;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>meta.encryption</c> entry: files whose repository path matches one of <see cref="Paths"/> are encrypted for
/// <see cref="Recipients"/> (age public keys), e.g. <c>envs/Prod/**</c> for the Prod key only, so a Dev key cannot
/// read Prod. The first matching rule wins.
/// </summary>
public sealed record MetaEncryptionRule(IReadOnlyList<Glob> Paths, IReadOnlyList<string> Recipients)
{
    public SourcePosition Position { get; init; } = SourcePosition.None;

    public bool Matches(string path) => Paths.Any(g => g.IsMatch(path));
}
