namespace VarTrack.Core.NodeConfig;

/// <summary>Where a materializer reads files: a local folder or a path of a Git repository at a pinned commit.</summary>
public interface INodeFileSource
{
    /// <summary>Changes when any file could read differently (the commit; the folder's names, sizes and times).</summary>
    Task<string> VersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The file's bytes, or null when it does not exist. <paramref name="path"/> is relative to the source.</summary>
    Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Every file below <paramref name="folder"/> ('' = the whole source), as paths relative to the source.</summary>
    Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken = default);

    /// <summary>Names a file of the source for errors, like a file name ("/srv/nodes/a.tmpl", "acme/cfg@1a2b3c4:nodes/a.tmpl").</summary>
    string Describe(string path);
}
