namespace VarTrack.Core.Replication;

/// <summary>Another writer published the owner's index since it was read; this cycle's result is not published.</summary>
public sealed class SyncInfoConflictException(string owner, string store)
    : Exception($"the sync info index of '{owner}' in {store} changed while this cycle ran; nothing was published")
{
    public string Owner { get; } = owner;
}
