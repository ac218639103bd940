using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>How a destination's flat map is laid out in the bucket (one document object, or one object per key).</summary>
internal abstract class S3StorageMode
{
    public abstract Task<Snapshot> ReadAsync(S3Bucket bucket, SinkTarget target, CancellationToken cancellationToken);

    public abstract Task ApplyAsync(S3Bucket bucket, SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken);

    /// <summary>Where the owner-keyed provenance records of a destination live.</summary>
    public abstract string ProvenanceKey(string destination);
}
