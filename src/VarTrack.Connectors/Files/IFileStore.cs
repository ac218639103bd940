namespace VarTrack.Connectors.Files;

/// <summary>Where the file sink keeps its files: this machine or an SFTP server. Every write replaces a whole file atomically.</summary>
internal interface IFileStore : IAsyncDisposable
{
    /// <summary>The file as named in messages (<c>/etc/app.env</c>, <c>deploy@web1:22:/etc/app.env</c>).</summary>
    string Describe(string path);

    /// <summary>Checks that a destination is a file path this store can use (absolute, naming a file) and returns it.</summary>
    string CheckPath(string destination);

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/>, sets its mode and owner, makes it durable where the store
    /// allows, then renames it over <paramref name="path"/>: a reader sees the old file or the new one, never a part.
    /// </summary>
    Task ReplaceAsync(string path, byte[] content, CancellationToken cancellationToken);

    /// <summary>Deletes the file; a missing file is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);
}
