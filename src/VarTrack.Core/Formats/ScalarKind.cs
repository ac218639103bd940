namespace VarTrack.Core.Formats;

/// <summary>
/// What type the format says a scalar has. Only schema validation and JSON renderings use it;
/// the value itself is always the text the author wrote.
/// </summary>
public enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
    /// <summary>A date/time the format recognised (TOML, YAML timestamps); kept as written.</summary>
    DateTime,
}
