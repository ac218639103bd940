namespace VarTrack.Core.Config;

/// <summary>One setting a sink type accepts.</summary>
public sealed record SettingSpec(string Name, SettingKind Kind, bool Required = false, IReadOnlyList<string>? Choices = null);
