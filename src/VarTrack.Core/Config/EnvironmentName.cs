using System.Text.RegularExpressions;

namespace VarTrack.Core.Config;

/// <summary>What an environment name may be: it ends up in keys, paths and destinations, so it is kept plain.</summary>
public static partial class EnvironmentName
{
    /// <summary>The block of an environment-keyed document that every environment inherits.</summary>
    public const string Default = "default";

    public const string Rule = "1-63 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string? name) => name is not null && Shape().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex Shape();
}
