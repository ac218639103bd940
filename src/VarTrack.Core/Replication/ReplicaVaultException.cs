namespace VarTrack.Core.Replication;

/// <summary>
/// A Vault request of replication failed. The message names the cluster and API path and the reason, never a secret
/// value or token. <see cref="IsFatal"/> errors stop a cycle at once (bad credentials, missing permission, a mount or
/// cluster that is not there); the others concern one path and are retried next cycle.
/// </summary>
public sealed class ReplicaVaultException(int? status, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status Vault answered; null when no answer came (unreachable, timeout) or the request was never sent.</summary>
    public int? Status { get; } = status;

    /// <summary>Set for errors that no retry of one path can fix (a cluster that cannot be set up).</summary>
    public bool Configuration { get; init; }

    /// <summary>401/403 (credentials, policy), 404 with an error (no such mount), or a configuration error.</summary>
    public bool IsFatal => Configuration || Status is 401 or 403 or 404;
}
