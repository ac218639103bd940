namespace VarTrack.Core.Replication;

/// <summary>
/// The sync info store could not be read or written (service unavailable, network, timeout, access refused). The
/// message names the store, the document and the reason, never a key or token. Only <see cref="IsAccessDenied"/>
/// (401/403, an ACL that refuses the token) makes a cycle fatal: an outage ends the cycle failed and the next one
/// retries, so a storage hiccup never stops replication until a restart.
/// </summary>
public sealed class SyncInfoStoreException : Exception
{
    public SyncInfoStoreException(string message, bool isAccessDenied = false, Exception? innerException = null)
        : base(message, innerException)
    {
        IsAccessDenied = isAccessDenied;
    }

    /// <summary>The store refused the credentials or the permission: retrying cannot help, fix the setting.</summary>
    public bool IsAccessDenied { get; }
}
