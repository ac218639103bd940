using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>One key of a change set as it may be shown and stored: values are display values (secrets are <c>***</c>).</summary>
public sealed record ChangeLine(string Key, ChangeKind Kind, string? Before, string? After)
{
    public static ChangeLine Of(KeyChange change) => new(change.Key, change.Kind, change.BeforeDisplay, change.AfterDisplay);
}
