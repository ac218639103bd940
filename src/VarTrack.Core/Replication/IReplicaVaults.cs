namespace VarTrack.Core.Replication;

/// <summary>The Vault clusters of the <c>replication:</c> section, by the name of the origin or destination.</summary>
public interface IReplicaVaults
{
    /// <summary>The cluster of the origin or destination named <paramref name="name"/>; <see cref="ReplicaVaultException"/> (fatal) when it cannot be set up.</summary>
    IReplicaVault Get(string name);
}
