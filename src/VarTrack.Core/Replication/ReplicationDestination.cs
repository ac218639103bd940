using VarTrack.Core.Config;

namespace VarTrack.Core.Replication;

/// <summary>One Vault cluster secrets are replicated to, how paths are renamed on the way and how deletes propagate.</summary>
public sealed record ReplicationDestination(string Name, VaultSettings Vault, IReadOnlyList<string> Mounts, DeleteMode DeleteMode, PathTransformRules Transforms)
{
    public const double DefaultMaxDeleteRatio = 0.10;

    /// <summary>A cycle that would delete more than this share of the destination's recorded paths is refused.</summary>
    public double MaxDeleteRatio { get; init; } = DefaultMaxDeleteRatio;

    /// <summary>The sync info owner of this destination: <c>destination-&lt;name&gt;</c>.</summary>
    public string Owner => OwnerOf(Name);

    public static string OwnerOf(string name) => "destination-" + name;
}
