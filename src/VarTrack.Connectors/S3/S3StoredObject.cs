namespace VarTrack.Connectors.S3;

/// <summary>An object's bytes and the ETag they were read with (for conditional writes).</summary>
internal sealed record S3StoredObject(byte[] Content, string ETag);
