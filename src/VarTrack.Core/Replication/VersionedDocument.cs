namespace VarTrack.Core.Replication;

/// <summary>A document with the store's version tag (a Blob ETag), for conditional writes.</summary>
public sealed record VersionedDocument(byte[] Data, string Tag);
