namespace VarTrack.Core.Secrets;

/// <summary>A secret could not be read: not found, permission denied, store unreachable. The message names the path only.</summary>
public sealed class SecretStoreException : Exception
{
    public SecretStoreException(string path, string message, Exception? inner = null) : base(message, inner) => Path = path;

    public string Path { get; }

    /// <summary>True when the secret (or the key inside it) does not exist, as opposed to a failure to ask.</summary>
    public bool NotFound { get; init; }
}
