namespace VarTrack.Core.Sync;

/// <summary>
/// A conditional write (ETag, resourceVersion, znode version) found that someone changed the destination since it was
/// read. When <see cref="NothingWritten"/> is true the sink wrote nothing in that call, so the executor must not
/// "restore" it: that would overwrite the very edit the condition protected.
/// </summary>
public sealed class DestinationChangedException(string message, bool nothingWritten = true) : Exception(message)
{
    public bool NothingWritten { get; } = nothingWritten;
}
