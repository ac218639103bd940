namespace VarTrack.Core.Formats;

/// <summary>
/// Reads HCL native syntax (v2) config files with literal values into the shared tree.
/// <list type="bullet">
/// <item>Attributes become keys. <c>type "l1" "l2" { ... }</c> becomes <c>type → l1 → l2 → body</c>; blocks of one type with
/// different labels merge under the type; an unlabelled block type written more than once becomes a list of bodies.</item>
/// <item>Strings have their backslash escapes decoded; template sequences (<c>${...}</c>, <c>%{...}</c>) and their literal
/// escapes (<c>$${</c>, <c>%%{</c>) are kept exactly as written, since VarTrack stores text and never evaluates.</item>
/// <item>Numbers keep their text (<c>1.50</c>, <c>0755</c>, <c>-1</c>); heredocs keep each line's newline, and
/// <c>&lt;&lt;-</c> removes the common indentation of the non-blank lines.</item>
/// <item>References, function calls, operators, conditionals and for expressions are refused with their position.</item>
/// </list>
/// Slightly more lenient than HCL in one place: a block's closing brace may follow its last item on the same line
/// (<c>a { b { c = 1 } }</c>), where HCL allows a one-line block to hold a single attribute only.
/// </summary>
public sealed class HclFormatParser : IConfigFormatParser
{
    /// <summary>How deeply blocks, lists and objects may nest before the file is refused.</summary>
    public const int MaxNestingDepth = 256;

    public ConfigFormat Format => ConfigFormat.Hcl;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new HclParser(source).ParseDocument();
    }
}
