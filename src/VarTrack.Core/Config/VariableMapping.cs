using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>
/// One entry of a rule's <c>variables_map</c>: either rename an existing flat key to <see cref="Target"/>
/// (<see cref="From"/> set), or inject a constant/template value (<see cref="Value"/> set).
/// The shorthand <c>TARGET: text</c> renames when <c>text</c> is a key of the flat map and injects otherwise;
/// <c>{from: key}</c> and <c>{value: text}</c> say it explicitly (a missing <c>from</c> key is an error).
/// </summary>
public sealed record VariableMapping(string Target)
{
    public string? From { get; init; }

    public TemplateString? Value { get; init; }

    /// <summary>True for the shorthand form, which renames only when the text names an existing key.</summary>
    public bool IsShorthand { get; init; }
}
