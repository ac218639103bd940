namespace VarTrack.Cli;

/// <summary>vt's exit codes (documented in the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Validation failed, a file is malformed, or a sync failed.</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong: unknown option, missing argument, unknown rule or file.</summary>
    public const int Usage = 2;
    /// <summary><c>vt node fetch</c>: the server says this node will never get config (404); retrying will not help.</summary>
    public const int NodeMissing = 3;
    /// <summary><c>vt node fetch</c>: no config within --timeout (not ready, or the server unreachable, the whole time).</summary>
    public const int NodeTimeout = 4;
    /// <summary><c>vt node fetch</c>: the server refused the token (401) or this node's identity for it (403).</summary>
    public const int NodeUnauthorized = 5;
    /// <summary><c>vt node fetch</c>: the payload was refused: a SHA-256 mismatch, a path escaping the root, a file no route takes; nothing was written.</summary>
    public const int NodeRefused = 6;
    /// <summary><c>vt meta promote|rollback</c>: the channel is not at the release the promotion expected; nothing was written.</summary>
    public const int Conflict = 7;
}
