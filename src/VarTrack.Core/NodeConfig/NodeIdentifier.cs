using System.Text.RegularExpressions;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Node identifiers: 1 to 128 of letters, digits, '.', '_' and '-', starting with a letter or digit. That covers host
/// names, Kubernetes pod names and StatefulSet ordinals, and is safe in templates, logs, file names and table keys.
/// </summary>
public static partial class NodeIdentifier
{
    public const string Rule = "1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string? identifier) => identifier is not null && Shape().IsMatch(identifier);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Shape();
}
