namespace VarTrack.Core.Workflows;

/// <summary>Where a file's desired values come from.</summary>
public enum FileSyncSource
{
    /// <summary>The file at a commit in Git (webhooks, the API).</summary>
    Git,

    /// <summary>The applied baseline of a destination (a drift heal: no Git fetch).</summary>
    Baseline,

    /// <summary>A job the caller rendered itself (the CLI's local files).</summary>
    Given,
}
