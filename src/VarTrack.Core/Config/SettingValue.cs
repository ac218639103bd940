using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Config;

/// <summary>
/// A connection setting as written in vartrack.yaml: a literal, a string with <c>${ENV_VAR}</c> references
/// (<c>$${</c> for a literal <c>${</c>), or a whole-value secret reference <c>@secret(mount/path#key)</c>.
/// Resolved only where it is used, so config files carry references, never secret values.
/// </summary>
public sealed record SettingValue(string Raw, SourcePosition Position)
{
    public SecretReference? Secret { get; init; }

    public IReadOnlyList<string> EnvironmentVariables { get; init; } = [];

    public override string ToString() => Raw;
}
