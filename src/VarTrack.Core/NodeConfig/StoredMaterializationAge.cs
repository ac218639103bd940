namespace VarTrack.Core.NodeConfig;

/// <summary>Only the creation time of a <see cref="StoredMaterialization"/>, read for clean-up without decoding its files (null: written before it was recorded).</summary>
internal sealed record StoredMaterializationAge(DateTimeOffset? CreatedAt);
