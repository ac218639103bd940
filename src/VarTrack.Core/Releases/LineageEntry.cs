namespace VarTrack.Core.Releases;

/// <summary>A binary found by its digest, its record, and the release it was built as (with every source commit).</summary>
public sealed record LineageEntry(string Project, MetaPath BinaryPath, BinaryRecord Binary, ReleaseRecord? Release);
