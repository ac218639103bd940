namespace VarTrack.Core.Sync;

/// <summary>
/// The result of one write phase (or restore) at one destination. <see cref="MayHaveWritten"/> is false only when the
/// store refused before writing anything (nothing to restore).
/// </summary>
public sealed record DestinationWriteResult(bool Ok, bool MayHaveWritten, string? Error)
{
    public static readonly DestinationWriteResult Success = new(true, true, null);
}
