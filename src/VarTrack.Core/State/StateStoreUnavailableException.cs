using VarTrack.Core.Errors;

namespace VarTrack.Core.State;

/// <summary>
/// The state store could not be read or written (the storage service or network is down, a disk error, access
/// refused). The message names the store, the key and the reason, never a key or token. It is a
/// <see cref="VarTrackException"/> so every caller that reports problems reports it the same way; callers that
/// retry by themselves (the replication timer) tell an outage apart from bad settings and refused access, which
/// retrying cannot fix.
/// </summary>
public sealed class StateStoreUnavailableException(Problem problem) : VarTrackException(problem)
{
    /// <summary>The store refused the credentials or the permission: retrying cannot help, fix the setting.</summary>
    public bool IsAccessDenied { get; init; }
}
