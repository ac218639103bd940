namespace VarTrack.Core.Replication;

/// <summary>One bucket in an index: the hash of its document, the generation that holds the document, and its path count.</summary>
public sealed record SyncIndexBucket(int Bucket, string Hash, string Generation, int Paths);
