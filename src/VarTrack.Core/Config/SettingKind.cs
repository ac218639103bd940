namespace VarTrack.Core.Config;

/// <summary>What a sink setting holds; checked when the config loads.</summary>
public enum SettingKind
{
    /// <summary>Text that may use ${ENV} references.</summary>
    Text,
    /// <summary>Text that may also be a whole-value @secret(...) reference (passwords, connection strings).</summary>
    Secret,
    Integer,
    Boolean,
    /// <summary>500ms, 30s, 5m, 1h, 1h30m.</summary>
    Duration,
    /// <summary>One of a fixed set of words.</summary>
    Choice,
    /// <summary>A map of text to text (labels).</summary>
    Map,
}
