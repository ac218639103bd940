namespace VarTrack.Core.Formats;

/// <summary>One key of a map with the position of the key itself (errors about keys point there).</summary>
public sealed record ConfigEntry(string Key, SourcePosition KeyPosition, ConfigNode Value);
