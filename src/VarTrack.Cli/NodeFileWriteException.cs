namespace VarTrack.Cli;

/// <summary>
/// Writing the files failed and restoring the tree failed too: <see cref="Unrestored"/> names each destination left
/// changed (with the reason), so the node's operator knows exactly what to check. The journal stays for the next run.
/// </summary>
internal sealed class NodeFileWriteException(string message, IReadOnlyList<string> unrestored, Exception? inner) : IOException(message, inner)
{
    public IReadOnlyList<string> Unrestored { get; } = unrestored;
}
