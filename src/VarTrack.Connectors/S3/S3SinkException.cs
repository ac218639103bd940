namespace VarTrack.Connectors.S3;

/// <summary>
/// S3 could not be reached, refused access, has no such bucket or answered an error. The message names the bucket, the
/// destination and the reason, never a key secret or a value. (A lost conditional write is a
/// <see cref="VarTrack.Core.Sync.DestinationChangedException"/> instead.)
/// </summary>
public sealed class S3SinkException(string message, Exception? inner = null) : Exception(message, inner);
