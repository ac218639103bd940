using VarTrack.Core.Config;

namespace VarTrack.Core.Replication;

/// <summary>The Vault cluster secrets are replicated from, and the mounts/folders replicated.</summary>
public sealed record ReplicationOrigin(string Name, VaultSettings Vault, IReadOnlyList<ReplicationMount> Mounts)
{
    /// <summary>The sync info owner of this origin: <c>origin-&lt;name&gt;</c>.</summary>
    public string Owner => OwnerOf(Name);

    public static string OwnerOf(string name) => "origin-" + name;
}
