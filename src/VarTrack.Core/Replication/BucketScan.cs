namespace VarTrack.Core.Replication;

/// <summary>One scanned bucket: its hash, the generation holding its document (this cycle's when changed, else the previous one) and its path count.</summary>
public sealed record BucketScan(int Bucket, string Hash, string Generation, int Paths, bool Changed);
