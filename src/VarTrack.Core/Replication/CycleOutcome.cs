namespace VarTrack.Core.Replication;

/// <summary>How one owner's replication cycle ended.</summary>
public enum CycleOutcome
{
    /// <summary>New sync info was published (a destination may still list per-path errors, retried next cycle).</summary>
    Published,

    /// <summary>Nothing changed: no publish, and for a destination no Vault read or write.</summary>
    Unchanged,

    /// <summary>Something could not be read, listed or saved; nothing was published, the last good sync info stands.</summary>
    Failed,

    /// <summary>Bad credentials, a missing permission or a configuration error (such as a path collision): fix and rerun.</summary>
    Fatal,

    /// <summary>The cycle ran past its timeout and was abandoned; nothing was published.</summary>
    Abandoned,

    /// <summary>The deletion-ratio guard refused the cycle; nothing was written.</summary>
    Refused,

    /// <summary>The host stopped during the cycle; nothing was published.</summary>
    Stopped,
}
