using System.Text.RegularExpressions;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// The one charset check for every name that becomes part of a path in the meta repository (project, channel, release
/// id, os, arch, writer, developer) or a key in a record (flag names). Lowercase only for path names, because a
/// case-insensitive checkout (macOS, Windows) would otherwise merge <c>V1</c> and <c>v1</c> into one file.
/// Errors name the field and the value.
/// </summary>
public static partial class MetaNames
{
    public const string SlugRule = "1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit";
    public const string ReleaseRule = "1-128 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit";
    public const string PlatformRule = "1-32 lowercase letters, digits or '_' (no '-': the file is named <os>-<arch>.json)";
    public const string FlagRule = "1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>The environments of <c>envs/</c>, as written in the path.</summary>
    public static readonly IReadOnlyList<string> Environments = ["Dev", "Stage", "Prod"];

    public static string Project(string? value) => Check("project", value, Slug(), SlugRule);

    public static string Channel(string? value) => Check("channel", value, Slug(), SlugRule);

    /// <summary>The word that means "no release" where a release id is expected (<c>--expect none</c>).</summary>
    public const string None = "none";

    public static string Release(string? value, string field = "release id") =>
        value == None ? throw Invalid(field, value, $"'{None}' is reserved (it means no release, as in --expect none)") : Check(field, value, ReleaseId(), ReleaseRule);

    public static string Os(string? value) => Check("os", value, Platform(), PlatformRule);

    public static string Arch(string? value) => Check("arch", value, Platform(), PlatformRule);

    public static string Writer(string? value) => Check("writer id", value, Slug(), SlugRule);

    public static string Developer(string? value) => Check("developer", value, Slug(), SlugRule);

    public static string Flag(string? value) => Check("flag name", value, FlagName(), FlagRule);

    public static string Environment(string? value)
    {
        if (value is not null && Environments.Contains(value)) return value;
        throw Invalid("environment", value, $"use one of {string.Join(", ", Environments)}");
    }

    /// <summary>The message for a bad value, or null when it is valid (for collecting several problems).</summary>
    public static string? ProblemOf(string field, string? value, Func<string?, string> check)
    {
        try
        {
            check(value);
            return null;
        }
        catch (VarTrackException ex)
        {
            return ex.Problems[0].Message;
        }
    }

    /// <summary>A value as it may appear in a message: quoted, control characters escaped, long values cut.</summary>
    public static string Shown(string? value)
    {
        if (value is null) return "(none)";
        var text = value.Length > 80 ? value[..80] + "..." : value;
        var escaped = string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return $"'{escaped}'";
    }

    private static string Check(string field, string? value, Regex shape, string rule)
    {
        if (value is not null && shape.IsMatch(value)) return value;
        throw Invalid(field, value, $"use {rule}");
    }

    private static VarTrackException Invalid(string field, string? value, string rule) =>
        new(new Problem(value is null or "" ? $"{field} is missing ({rule})" : $"{field} {Shown(value)} is invalid: {rule}"));

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]{0,63}\z")]
    private static partial Regex Slug();

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]{0,127}\z")]
    private static partial Regex ReleaseId();

    [GeneratedRegex(@"\A[a-z0-9_]{1,32}\z")]
    private static partial Regex Platform();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex FlagName();
}
