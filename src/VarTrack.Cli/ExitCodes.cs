namespace VarTrack.Cli;

/// <summary>vt's exit codes (documented in the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Validation failed, a file is malformed, or a sync failed.</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong: unknown option, missing argument, unknown rule or file.</summary>
    public const int Usage = 2;
    /// <summary><c>vt meta promote|rollback</c>: the channel is not at the release the promotion expected; nothing was written.</summary>
    public const int Conflict = 3;
}
